import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SchoolLevel } from '../directory/directory.entities';
import { routeFor } from '../routing/route-table';
import { PROFILES, Profile } from '../directory/profiles';
import { audiencesFor } from './account-route';
import { Audience, fit, parseSelector, SectionSelector, SelectorError } from './answer/audience';
import { Contacts, withPreposition } from './answer/contacts';
import { frenchTypography } from './answer/french-typography';
import { ANSWERABLE_INTENT_IDS, categoryOf, INTENT_SPEC } from '../routing/intents';

export const ARTICLES_DIR = join(__dirname, 'articles');

/**
 * Ways of writing the training examples are tagged with. `npm run kb:tune`
 * holds out one style at a time, so its figure says how well the classifier
 * reads a way of writing it was not trained on.
 */
export const STYLES = ['plain', 'formal', 'long', 'sms', 'typos', 'english', 'pupil', 'parent', 'staff'] as const;
export type Style = (typeof STYLES)[number];

/** Fewest examples an intent needs to be learnt from more than one way of writing. */
export const MIN_EXAMPLES = 40;
export const MIN_STYLES = 6;

const exampleText = z.string().trim().min(2).max(2000);

export const articleFrontMatterSchema = z
  .object({
    intent: z.enum(ANSWERABLE_INTENT_IDS as [string, ...string[]]),
    title: z.string().trim().min(3).max(120),
    summary: z.string().trim().min(10).max(600),
    seeds: z.array(z.string().regex(/^\d{3}$/)).min(1),
    examples: z
      .partialRecord(z.enum(STYLES), z.array(exampleText).min(1))
      .refine((e) => Object.values(e).flat().length >= MIN_EXAMPLES, `at least ${MIN_EXAMPLES} examples`)
      .refine((e) => Object.keys(e).length >= MIN_STYLES, `examples in at least ${MIN_STYLES} styles`),
    keywords: z.array(z.string().trim().min(2).max(80)).min(3),
  })
  .strict();

export type ArticleFrontMatter = z.output<typeof articleFrontMatterSchema>;

/** What a section's template may use. */
export interface AnswerContext {
  intent: string;
  /** The school's name, or ''. */
  school: string;
  primary: boolean;
  secondary: boolean;
  levelKnown: boolean;
  /** Who the reader turns to if the answer is not enough: the label of the tier a ticket about this account goes to. */
  contact: string;
  /** Who each profile turns to for this intent, for answers that name every case. */
  contacts: Record<Profile, string>;
  /** Who each profile turns to by topic (a category, or `educonnect`), for answers about whom to ask. */
  byTopic: Record<string, Record<Profile, string>>;
  /** Every tier's label, for facts about who does what (« l'ERUN est prévenu »). */
  tiers: Record<string, string>;
  /** The reader is a pupil: short sentences, « tu ». */
  pupil: boolean;
}

export interface ArticleSection {
  selector: SectionSelector;
  render: Handlebars.TemplateDelegate<AnswerContext>;
}

export interface KbArticle extends Omit<ArticleFrontMatter, 'examples'> {
  category: string;
  file: string;
  sections: readonly ArticleSection[];
  /** The training examples, every style together. */
  examples: readonly string[];
  examplesByStyle: ArticleFrontMatter['examples'];
}

export class KbArticleError extends Error {}

/** Templates get three helpers: `to` and `of` put « à » / « de » before a label (au, du…), `cap` capitalises. */
const templates = Handlebars.create();
templates.registerHelper('to', (label: string) => withPreposition('à', label));
templates.registerHelper('of', (label: string) => withPreposition('de', label));
templates.registerHelper('cap', (text: string) => text.charAt(0).toUpperCase() + text.slice(1));
/** `{{> everyone}}`: whom each profile turns to for the article's intent, for readers whose profile is unknown. */
templates.registerPartial(
  'everyone',
  [
    '- enseignants et personnels : adressez-vous {{to contacts.Teacher}} ;',
    '- parents : adressez-vous {{to contacts.Relative}} ;',
    "- élèves et comptes manuels (familles d'accueil, invités) : adressez-vous {{to contacts.Student}}.",
  ].join('\n'),
);

/** Topics a reader may be sent somewhere for, each with an intent the routing table decides it by. */
const TOPICS: Record<string, string> = {
  ...Object.fromEntries(INTENT_SPEC.intents.map((i) => [i.category, i.id]).reverse()),
  educonnect: 'login.educonnect',
};

export function compileAnswerTemplate(text: string): Handlebars.TemplateDelegate<AnswerContext> {
  return templates.compile<AnswerContext>(text, { strict: true, noEscape: true });
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/;
const SECTION_LINE = /^::: *(.+?) *$/gm;

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
  const sections = parseSections(match[2]);
  const { examples, ...rest } = parsed.data;
  const article: KbArticle = { ...rest, examples: Object.values(examples).flat(), examplesByStyle: examples, category: categoryOf(rest.intent), file, sections };
  checkSections(article);
  return article;
}

function parseSections(body: string): ArticleSection[] {
  const heads = [...body.matchAll(SECTION_LINE)];
  if (!heads.length || body.slice(0, heads[0].index).trim()) throw new KbArticleError('the body must start with a section line such as "::: *"');
  return heads.map((head, i) => {
    const end = i + 1 < heads.length ? heads[i + 1].index : body.length;
    let selector: SectionSelector;
    try {
      selector = parseSelector(head[1]);
    } catch (error) {
      throw new KbArticleError(error instanceof SelectorError ? error.message : String(error));
    }
    const text = body.slice(head.index + head[0].length, end).trim();
    if (!text) throw new KbArticleError(`section "${head[1]}" is empty`);
    return { selector, render: compileAnswerTemplate(text) };
  });
}

/**
 * At boot: every audience finds exactly one best section, and every section
 * renders (strict mode reports an unknown variable only when rendering).
 */
function checkSections(article: KbArticle): void {
  const sample: AnswerContext = {
    intent: article.intent,
    school: 'École',
    primary: true,
    secondary: false,
    levelKnown: true,
    contact: 'contact',
    contacts: Object.fromEntries(PROFILES.map((p) => [p, p])) as Record<Profile, string>,
    byTopic: Object.fromEntries(Object.keys(TOPICS).map((t) => [t, Object.fromEntries(PROFILES.map((p) => [p, p])) as Record<Profile, string>])),
    tiers: Object.fromEntries(Object.keys(INTENT_SPEC.routes.tiers).map((t) => [t, t])),
    pupil: false,
  };
  for (const section of article.sections) {
    try {
      section.render(sample);
    } catch (error) {
      throw new KbArticleError(`section "${section.selector.source}": ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const audience of audiencesFor(article.intent)) sectionFor(article, audience);
}

/** The section written most precisely for this audience. */
export function sectionFor(article: KbArticle, audience: Audience): ArticleSection {
  let best: ArticleSection | null = null;
  let bestFit = -1;
  let tied = false;
  for (const section of article.sections) {
    const score = fit(section.selector, audience);
    if (score > bestFit) [best, bestFit, tied] = [section, score, false];
    else if (score === bestFit && score >= 0) tied = true;
  }
  const who = `${audience.profile ?? 'unknown'}${audience.account ? `>${audience.account}` : ''} @${audience.level ?? 'any'}`;
  if (!best) throw new KbArticleError(`no section for ${who} (add a "::: *" section)`);
  if (tied) throw new KbArticleError(`two sections fit ${who} equally well`);
  return best;
}

export interface RenderedAnswer {
  title: string;
  markdown: string;
  /** Plain text for channels without Markdown: what the person reads. */
  text: string;
}

/** The answer for an audience: its section, the route's contacts, French typography, once. */
export function renderAnswer(article: KbArticle, audience: Audience, contacts: Contacts): RenderedAnswer {
  return renderTemplate(sectionFor(article, audience).render, article.title, article.intent, audience, contacts);
}

/** Renders a template the way every answer is: contacts of the route, blank lines tidied, French typography. */
export function renderTemplate(
  render: Handlebars.TemplateDelegate<AnswerContext>,
  title: string,
  intent: string,
  audience: Audience,
  contacts: Contacts,
): RenderedAnswer {
  const raw = render(answerContext(intent, audience, contacts));
  const markdown = frenchTypography(raw.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim());
  return { title: frenchTypography(title), markdown, text: markdownToText(markdown) };
}

export function answerContext(intent: string, audience: Audience, contacts: Contacts): AnswerContext {
  const level: SchoolLevel | null = audience.level;
  return {
    intent,
    school: audience.schoolName ?? '',
    primary: level === 'primary',
    secondary: level === 'secondary',
    levelKnown: level !== null,
    contact: contacts.label(routeFor(intent, audience.account ?? audience.profile), level),
    contacts: contacts.byProfile(intent, level),
    byTopic: Object.fromEntries(Object.entries(TOPICS).map(([topic, topicIntent]) => [topic, contacts.byProfile(topicIntent, level)])),
    tiers: contacts.labels(level),
    pupil: audience.profile === 'Student',
  };
}

export function markdownToText(markdown: string): string {
  return markdown
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(^|\s)\*(\S.*?)\*/g, '$1$2')
    .replace(/^#+\s*/gm, '')
    .replace(/\[(.+?)\]\((.+?)\)/g, '$1 ($2)')
    .replace(/`([^`]+)`/g, '$1');
}
