import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { AccountMessages, loadMessages, MESSAGE_KEYS, MESSAGES_FILE } from './account-messages';

const PAGE_DIRS = [join(__dirname, '..', 'pages'), join(__dirname, '..', '..', 'ent', 'sandbox', 'pages')];

/** The French text of a template: without style blocks, tags and Handlebars expressions. */
function prose(source: string): string {
  return source
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\{\{[^}]*\}\}/g, 'X');
}

/** French typography: a no-break space (or a narrow one) before « : ; ! ? » and inside « », never a plain one, never none. */
function typographyProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [pattern, what] of [
    [/ [:;!?»]/g, 'plain space before punctuation'],
    [/« /g, 'plain space after «'],
    [/[\p{L}\d)][;!?»]/gu, 'no space before punctuation'],
    [/[\p{L}\d)]:(?=\s)/gu, 'no space before a colon'],
    [/«[^\u00a0\u202f]/g, 'no space after «'],
  ] as const) {
    for (const match of text.matchAll(pattern)) problems.push(`${what}: …${text.slice(Math.max(0, match.index! - 20), match.index! + 5)}…`);
  }
  return problems;
}

describe('account action texts', () => {
  it('has every key the code uses, and no other', () => {
    expect(() => loadMessages(readFileSync(MESSAGES_FILE, 'utf8'))).not.toThrow();
    expect(() => loadMessages('refused.not_linked: Bonjour')).toThrow(/missing/);
  });

  it('renders every message with or without its values, and never leaves a placeholder', () => {
    const messages = new AccountMessages();
    const context = { name: 'Léa Lambert', login: 'lea.lambert', code: 'abcd2345', classes: 'CM1 A', schools: 'École Jean-Moulin', url: 'http://x/link?token=t', minutes: 10 };
    for (const key of MESSAGE_KEYS) {
      for (const values of [context, {}]) {
        const text = messages.render(key, values);
        expect(text.length).toBeGreaterThan(10);
        expect(text).not.toMatch(/\{\{|\}\}|undefined|\[object/);
      }
    }
  });

  it('keeps the code out of every message but the results meant for the person entitled to it', () => {
    const messages = new AccountMessages();
    const carrying = MESSAGE_KEYS.filter((key) => messages.render(key, { code: 'SECRET42' }).includes('SECRET42'));
    expect(carrying).toEqual(['done.renewal_code', 'done.approve']);
  });

  it('follows French typography in messages and pages', () => {
    expect(typographyProblems('Motif : « x » ; fin !').length).toBeGreaterThanOrEqual(5);
    expect(typographyProblems('Motif\u00a0: «\u00a0x\u00a0»\u202f; fin\u202f!')).toEqual([]);
    const messages = Object.entries(parseYaml(readFileSync(MESSAGES_FILE, 'utf8')) as Record<string, string>).map(([key, text]) => [key, prose(text)]);
    const pages = PAGE_DIRS.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.hbs')).map((f) => [f, prose(readFileSync(join(dir, f), 'utf8'))]));
    expect(pages.length).toBeGreaterThan(6);
    const problems = [...messages, ...pages].flatMap(([where, text]) => typographyProblems(text).map((p) => `${where}: ${p}`));
    expect(problems).toEqual([]);
  });
});
