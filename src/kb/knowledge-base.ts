import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ROUTING_RULES, RoutingRules } from '../routing/routing-rules';
import { Audience } from './answer/audience';
import { Contacts } from './answer/contacts';
import Handlebars from 'handlebars';
import {
  AnswerContext,
  ARTICLES_DIR,
  compileAnswerTemplate,
  KbArticle,
  KbArticleError,
  loadArticles,
  renderAnswer,
  RenderedAnswer,
  renderTemplate,
  Style,
  STYLES,
} from './article';
import { OTHER_INTENT } from '../routing/intents';

export const OUT_OF_SCOPE_FILE = join(__dirname, 'out-of-scope.yaml');

const outOfScopeSchema = z
  .object({
    /** What the person reads when no article answers: a Handlebars template like an article's section. */
    reply: z.string().trim().min(20),
    examples: z.partialRecord(z.enum(STYLES), z.array(z.string().trim().min(2).max(2000)).min(1)),
  })
  .strict()
  .refine((f) => Object.values(f.examples).flat().length >= 100, 'at least 100 examples');

export interface KbPhrase {
  label: string;
  kind: 'example' | 'keyword' | 'title';
  /** How an example is written; null for keywords and titles. */
  style: Style | null;
  text: string;
}

/**
 * The articles (one per answerable intent), the examples of what Relais does
 * not answer, and the contacts answers name (the routing rules' tier labels).
 * Read and validated when the application starts: a bad file stops the boot
 * with its name and the reason.
 */
@Injectable()
export class KnowledgeBase {
  readonly articles: ReadonlyMap<string, KbArticle>;
  readonly outOfScopeExamples: Readonly<Partial<Record<Style, readonly string[]>>>;
  readonly contacts: Contacts;
  private readonly reply: Handlebars.TemplateDelegate<AnswerContext>;

  constructor(@Inject(ROUTING_RULES) rules: RoutingRules) {
    this.articles = new Map(loadArticles(ARTICLES_DIR).map((a) => [a.intent, a]));
    const outOfScope = loadOutOfScope(OUT_OF_SCOPE_FILE);
    this.outOfScopeExamples = outOfScope.examples;
    this.reply = compileAnswerTemplate(outOfScope.reply);
    this.contacts = new Contacts(rules.tiers);
  }

  article(intent: string): KbArticle | undefined {
    return this.articles.get(intent);
  }

  /** The answer as the audience reads it; null for "other" (a ticket, no article). */
  answer(intent: string, audience: Audience): RenderedAnswer | null {
    const article = this.articles.get(intent);
    return article ? renderAnswer(article, audience, this.contacts) : null;
  }

  /** What the person reads when a person must take over (no article, or "other"): names the route's contact. */
  ticketReply(intent: string, audience: Audience): RenderedAnswer {
    return renderTemplate(this.reply, 'Demande transmise', intent, audience, this.contacts);
  }

  /** Everything the classifier learns from, labelled with its intent ("other" for out of scope). */
  phrases(): KbPhrase[] {
    const phrases: KbPhrase[] = [];
    const examples = (label: string, byStyle: Partial<Record<Style, readonly string[]>>) => {
      for (const [style, texts] of Object.entries(byStyle) as [Style, string[]][]) {
        for (const text of texts) phrases.push({ label, kind: 'example', style, text });
      }
    };
    for (const a of this.articles.values()) {
      phrases.push({ label: a.intent, kind: 'title', style: null, text: a.title });
      examples(a.intent, a.examplesByStyle);
      for (const text of a.keywords) phrases.push({ label: a.intent, kind: 'keyword', style: null, text });
    }
    examples(OTHER_INTENT, this.outOfScopeExamples);
    return phrases;
  }
}

export function loadOutOfScope(file: string): z.output<typeof outOfScopeSchema> {
  const parsed = outOfScopeSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new KbArticleError(`Invalid ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
