import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { typographyFaults } from '../../common/french-typography';
import { ConfigError, loadConfig } from '../../config/config';
import { WEBCHAT_MESSAGE_KEYS, WebchatTexts } from './webchat-texts';

const PUBLIC_DIR = join(__dirname, 'public');

/** The words a page shows: its text and its attributes read aloud, entities decoded. */
function visibleText(html: string): string {
  const attributes = [...html.matchAll(/(?:aria-label|placeholder|title)="([^"]*)"/g)].map((m) => m[1]);
  const text = html.replace(/<head>[\s\S]*?<\/head>/, '').replace(/<[^>]+>/g, '\n');
  return [text, ...attributes].join('\n').replace(/&nbsp;/g, '\u00a0').replace(/&#8239;/g, '\u202f');
}

describe('web chat texts', () => {
  const texts = new WebchatTexts();

  it.each(WEBCHAT_MESSAGE_KEYS.map((k) => [k]))('%s keeps French typography', (key) => {
    expect(typographyFaults(texts.render(key))).toEqual([]);
  });

  it.each([['demo.html'], ['widget.html']])('the page %s keeps French typography', (file) => {
    const text = visibleText(readFileSync(join(PUBLIC_DIR, file), 'utf8'));
    expect(text).toMatch(/Votre message/);
    expect(typographyFaults(text)).toEqual([]);
  });

  it("the script's own sentences keep French typography", () => {
    const script = readFileSync(join(PUBLIC_DIR, 'webchat.js'), 'utf8');
    const code = script
      .split('\n')
      .filter((line) => !line.trim().startsWith('//') && !line.trim().startsWith('/**'))
      .join('\n');
    // The French sentences: quoted strings holding a space and an accented or French word.
    const sentences = [...code.matchAll(/'((?:[^'\\\n]|\\.)*)'/g)].map((m) => m[1].replace(/\\u00a0/g, '\u00a0')).filter((t) => /[À-ÿ’]|Vous|Relais/.test(t));
    expect(sentences.length).toBeGreaterThan(3);
    for (const sentence of sentences) expect(typographyFaults(sentence)).toEqual([]);
  });
});

describe('web chat configuration', () => {
  it('reads the origins allowed to frame the widget, and sensible limits by default', () => {
    const config = loadConfig({ WEBCHAT_FRAME_ANCESTORS: 'https://ent.exemple.fr, https://autre.exemple.fr:8443' });
    expect(config.webchat).toEqual({ frameAncestors: ['https://ent.exemple.fr', 'https://autre.exemple.fr:8443'], sessionTurnsPerMinute: 20, addressTurnsPerMinute: 120, addressSessionsPerHour: 60 });
    expect(loadConfig({}).webchat.frameAncestors).toEqual([]);
  });

  it.each([['*'], ['https://ent.exemple.fr; script-src *'], ["'unsafe-inline'"], ['javascript:alert(1)'], ['ent.exemple.fr']])('refuses %s as a frame ancestor (it would loosen or break the policy)', (value) => {
    expect(() => loadConfig({ WEBCHAT_FRAME_ANCESTORS: value })).toThrow(ConfigError);
  });

  it('refuses a limit of zero', () => {
    expect(() => loadConfig({ WEBCHAT_SESSION_TURNS_PER_MINUTE: '0' })).toThrow(/WEBCHAT_SESSION_TURNS_PER_MINUTE/);
  });
});
