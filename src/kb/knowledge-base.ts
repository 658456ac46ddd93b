import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ARTICLES_DIR, KbArticle, KbArticleError, loadArticles } from './article';
import { OTHER_INTENT } from '../routing/intents';

export const OUT_OF_SCOPE_FILE = join(__dirname, 'out-of-scope.yaml');

const outOfScopeSchema = z.object({ examples: z.array(z.string().trim().min(2).max(1000)).min(20) }).strict();

export interface KbPhrase {
  label: string;
  kind: 'example' | 'keyword' | 'title';
  text: string;
}

/**
 * The articles (one per answerable intent) and the examples of what Relais
 * does not answer. Read and validated when the application starts: a bad file
 * stops the boot with its name and the reason.
 */
@Injectable()
export class KnowledgeBase {
  readonly articles: ReadonlyMap<string, KbArticle>;
  readonly outOfScopeExamples: readonly string[];

  constructor() {
    this.articles = new Map(loadArticles(ARTICLES_DIR).map((a) => [a.intent, a]));
    this.outOfScopeExamples = loadOutOfScope(OUT_OF_SCOPE_FILE);
  }

  article(intent: string): KbArticle | undefined {
    return this.articles.get(intent);
  }

  /** Everything the classifier learns from, labelled with its intent ("other" for out of scope). */
  phrases(): KbPhrase[] {
    const phrases: KbPhrase[] = [];
    for (const a of this.articles.values()) {
      phrases.push({ label: a.intent, kind: 'title', text: a.title });
      for (const text of a.examples) phrases.push({ label: a.intent, kind: 'example', text });
      for (const text of a.keywords) phrases.push({ label: a.intent, kind: 'keyword', text });
    }
    for (const text of this.outOfScopeExamples) phrases.push({ label: OTHER_INTENT, kind: 'example', text });
    return phrases;
  }
}

export function loadOutOfScope(file: string): string[] {
  const parsed = outOfScopeSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new KbArticleError(`Invalid ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data.examples;
}
