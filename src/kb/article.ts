import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Profile } from '../directory/profiles';
import { ANSWERABLE_INTENT_IDS, categoryOf } from '../routing/intents';

export const ARTICLES_DIR = join(__dirname, 'articles');

const VARIANT_GROUPS = ['PEN', 'Teacher', 'Personnel', 'Relative', 'Student', 'Guest', 'LOCAL'] as const;

export const articleFrontMatterSchema = z
  .object({
    intent: z.enum(ANSWERABLE_INTENT_IDS as [string, ...string[]]),
    title: z.string().trim().min(3).max(120),
    summary: z.string().trim().min(10).max(400),
    seeds: z.array(z.string().regex(/^\d{3}$/)).min(1),
    variants: z.array(z.enum(VARIANT_GROUPS)),
    examples: z.array(z.string().trim().min(3).max(1000)).min(8),
    keywords: z.array(z.string().trim().min(2).max(80)).min(3),
  })
  .strict();

export type ArticleFrontMatter = z.output<typeof articleFrontMatterSchema>;

export interface KbArticle extends ArticleFrontMatter {
  category: string;
  file: string;
  render: Handlebars.TemplateDelegate<AnswerContext>;
}

/** What a template may use: one boolean per profile or group, and the school's name. */
export interface AnswerContext {
  isTeacher: boolean;
  isPersonnel: boolean;
  isPEN: boolean;
  isRelative: boolean;
  isStudent: boolean;
  isGuest: boolean;
  isLocal: boolean;
  profileKnown: boolean;
  schoolName: string;
}

export function answerContext(profile: Profile | null, schoolName = ''): AnswerContext {
  return {
    isTeacher: profile === 'Teacher',
    isPersonnel: profile === 'Personnel',
    isPEN: profile === 'Teacher' || profile === 'Personnel',
    isRelative: profile === 'Relative',
    isStudent: profile === 'Student',
    isGuest: profile === 'Guest',
    isLocal: profile === 'Student' || profile === 'Guest',
    profileKnown: profile !== null,
    schoolName,
  };
}

export class KbArticleError extends Error {}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/;

/** Reads and validates every article; any problem stops the boot with the file and the reason. */
export function loadArticles(dir = ARTICLES_DIR): KbArticle[] {
  const problems: string[] = [];
  const articles: KbArticle[] = [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  for (const file of files) {
    try {
      articles.push(parseArticle(file, readFileSync(join(dir, file), 'utf8')));
    } catch (error) {
      problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const seen = new Map<string, string>();
  for (const article of articles) {
    const other = seen.get(article.intent);
    if (other) problems.push(`${article.file}: intent ${article.intent} already answered by ${other}`);
    seen.set(article.intent, article.file);
  }
  for (const intent of ANSWERABLE_INTENT_IDS) {
    if (!seen.has(intent)) problems.push(`no article for intent ${intent}`);
  }
  if (problems.length) throw new KbArticleError(`Invalid knowledge base (${dir}):\n  ${problems.join('\n  ')}`);
  return articles;
}

export function parseArticle(file: string, source: string): KbArticle {
  const match = FRONT_MATTER.exec(source);
  if (!match) throw new KbArticleError('missing YAML front matter between --- lines');
  const parsed = articleFrontMatterSchema.safeParse(parseYaml(match[1]));
  if (!parsed.success) {
    throw new KbArticleError(parsed.error.issues.map((i) => `${i.path.join('.') || 'front matter'}: ${i.message}`).join('; '));
  }
  const render = Handlebars.compile<AnswerContext>(match[2].trim(), { strict: true, noEscape: true });
  // Strict mode reports unknown variables only when rendering: try every profile now, at boot.
  for (const profile of [null, 'Teacher', 'Personnel', 'Relative', 'Student', 'Guest'] as const) {
    render(answerContext(profile));
  }
  return { ...parsed.data, category: categoryOf(parsed.data.intent), file, render };
}

/** Markdown as written, and a plain-text version for channels without Markdown. */
export function renderAnswer(article: KbArticle, profile: Profile | null, schoolName = ''): { markdown: string; text: string } {
  const markdown = article.render(answerContext(profile, schoolName)).replace(/\n{3,}/g, '\n\n').trim();
  return { markdown, text: markdownToText(markdown) };
}

export function markdownToText(markdown: string): string {
  return markdown
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(^|\s)\*(\S.*?)\*/g, '$1$2')
    .replace(/^#+\s*/gm, '')
    .replace(/\[(.+?)\]\((.+?)\)/g, '$1 ($2)')
    .replace(/`([^`]+)`/g, '$1');
}
