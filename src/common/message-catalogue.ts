import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Values a message may use. */
export type MessageContext = Record<string, string | number | boolean | null | undefined | string[] | Record<string, unknown>[]>;

/**
 * The French sentences of one capability, one key each, in a YAML file of
 * Handlebars templates (plain text, not HTML: each channel escapes what it
 * shows). The file must hold exactly the keys the code names: a missing or an
 * unknown one stops the boot.
 */
export class MessageCatalogue<K extends string> {
  private readonly templates: Map<K, Handlebars.TemplateDelegate>;

  constructor(keys: readonly K[], yaml: string, source = 'messages') {
    const raw = z.record(z.string(), z.string().min(1)).parse(parseYaml(yaml));
    const missing = keys.filter((k) => !(k in raw));
    const unknown = Object.keys(raw).filter((k) => !(keys as readonly string[]).includes(k));
    if (missing.length || unknown.length) throw new Error(`${source}: missing ${missing.join(', ') || '-'}; unknown ${unknown.join(', ') || '-'}`);
    const instance = Handlebars.create();
    instance.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.templates = new Map(keys.map((k) => [k, instance.compile(raw[k], { noEscape: true, strict: false })]));
  }

  static fromFile<K extends string>(keys: readonly K[], file: string): MessageCatalogue<K> {
    return new MessageCatalogue(keys, readFileSync(file, 'utf8'), file);
  }

  render(key: K, context: MessageContext = {}): string {
    return this.templates.get(key)!(context).trim();
  }
}
