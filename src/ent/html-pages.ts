import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';

/**
 * A folder of French HTML pages written in Handlebars (escaped), each wrapped
 * in the folder's `layout.hbs`. Read and compiled once; a missing page is a
 * programming error found at boot by the callers' constructors.
 */
export class HtmlPages<Name extends string> {
  private readonly pages = new Map<string, Handlebars.TemplateDelegate>();
  private readonly layout: Handlebars.TemplateDelegate;

  constructor(dir: string, names: readonly Name[]) {
    const files = new Map(readdirSync(dir).filter((f) => f.endsWith('.hbs')).map((f) => [basename(f, '.hbs'), join(dir, f)]));
    const compile = (name: string) => {
      const file = files.get(name);
      if (!file) throw new Error(`missing page template ${join(dir, name)}.hbs`);
      return Handlebars.compile(readFileSync(file, 'utf8'), { strict: false });
    };
    this.layout = compile('layout');
    for (const name of names) this.pages.set(name, compile(name));
  }

  render(name: Name, context: Record<string, unknown> = {}): string {
    const body = this.pages.get(name)!(context);
    return this.layout({ ...context, body: new Handlebars.SafeString(body) });
  }
}
