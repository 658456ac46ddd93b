import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { typographyFaults } from '../../common/french-typography';
import { AccountMessages, loadMessages, MESSAGE_KEYS, MESSAGES_FILE } from './account-messages';

const PAGE_DIRS = [join(__dirname, '..', 'pages'), join(__dirname, '..', '..', 'ent', 'sandbox', 'pages')];

/** The French text of a template: without style blocks, tags and Handlebars expressions. */
function prose(source: string): string {
  return source
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\{\{[^}]*\}\}/g, 'X');
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
    const messages = Object.entries(parseYaml(readFileSync(MESSAGES_FILE, 'utf8')) as Record<string, string>).map(([key, text]) => [key, prose(text)]);
    const pages = PAGE_DIRS.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.hbs')).map((f) => [f, prose(readFileSync(join(dir, f), 'utf8'))]));
    expect(pages.length).toBeGreaterThan(6);
    const problems = [...messages, ...pages].flatMap(([where, text]) => typographyFaults(text).map((p) => `${where}: ${p}`));
    expect(problems).toEqual([]);
  });
});
