import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILES, Profile } from '../directory/profiles';
import { ARTICLES_DIR, KbArticleError, loadArticles, parseArticle, renderAnswer } from './article';
import { ANSWERABLE_INTENT_IDS } from '../routing/intents';

const articles = loadArticles();
const GROUPS: Record<string, Profile[]> = {
  PEN: ['Teacher', 'Personnel'],
  Teacher: ['Teacher'],
  Personnel: ['Personnel'],
  Relative: ['Relative'],
  Student: ['Student'],
  Guest: ['Guest'],
  LOCAL: ['Student', 'Guest'],
};

describe('knowledge-base articles', () => {
  it('answers every intent but "other", once', () => {
    expect(articles.map((a) => a.intent).sort()).toEqual([...ANSWERABLE_INTENT_IDS].sort());
  });

  describe.each(articles.map((a) => [a.intent, a] as const))('%s', (_, article) => {
    it.each([null, ...PROFILES])('renders clean French Markdown for profile %s', (profile) => {
      const { markdown, text } = renderAnswer(article, profile, 'École Jean Moulin');
      expect(markdown.length).toBeGreaterThan(150);
      expect(markdown).not.toMatch(/\{\{|\}\}|undefined|null|\n{3,}/);
      expect(text).not.toMatch(/\*\*/);
    });

    if (article.variants.length) {
      it.each(article.variants)('gives the %s profiles their own answer', (group) => {
        const general = renderAnswer(article, null).markdown;
        for (const profile of GROUPS[group]) {
          expect(renderAnswer(article, profile).markdown).not.toBe(general);
        }
      });
    }
  });

  it('tells each profile the right way to recover a forgotten password', () => {
    const article = articles.find((a) => a.intent === 'login.forgot_password')!;
    expect(renderAnswer(article, 'Teacher').text).toMatch(/académique/i);
    expect(renderAnswer(article, 'Relative').text).toMatch(/ÉduConnect/);
    expect(renderAnswer(article, 'Student').text).toMatch(/code de renouvellement/i);
  });

  it('refuses an article with a bad front matter or an unknown template variable', () => {
    const body = '\nRéponse.';
    expect(() => parseArticle('x.md', `---\nintent: nope\n---${body}`)).toThrow(KbArticleError);
    const valid = articles[0];
    const frontMatter = [
      `intent: ${valid.intent}`,
      'title: Titre',
      'summary: "Un résumé suffisant."',
      'seeds: ["000"]',
      'variants: []',
      `examples: [${Array.from({ length: 8 }, (_, i) => `"exemple ${i}"`).join(', ')}]`,
      'keywords: [a1, b2, c3]',
    ].join('\n');
    expect(() => parseArticle('x.md', `---\n${frontMatter}\n---\nBonjour {{isTeacher}}`)).not.toThrow();
    expect(() => parseArticle('x.md', `---\n${frontMatter}\n---\nBonjour {{nomInconnu}}`)).toThrow(/nomInconnu/);
  });

  it('stops the boot naming the file and the problem when an article is broken or missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relais-kb-'));
    try {
      for (const article of articles) writeFileSync(join(dir, article.file), readFileSync(join(ARTICLES_DIR, article.file)));
      expect(() => loadArticles(dir)).not.toThrow();
      const broken = readFileSync(join(ARTICLES_DIR, 'data.storage_full.md'), 'utf8').replace(/^title: .*$/m, 'title: ""');
      writeFileSync(join(dir, 'data.storage_full.md'), broken);
      rmSync(join(dir, 'apps.news.md'));
      expect(() => loadArticles(dir)).toThrow(/data\.storage_full\.md: title[\s\S]*no article for intent apps\.news/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
