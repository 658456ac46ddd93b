import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { typographyFaults } from '../../common/french-typography';
import { ConfigError, describeConfig, loadConfig } from '../../config/config';
import { commandDefinitions } from './discord-commands';
import { buttonRows, discordMessages, split } from './discord-replies';
import { DISCORD_MESSAGE_KEYS, DiscordTexts } from './discord-texts';
import { DISCORD_TEMPLATES_DIR } from './discord-staff.channel';

describe('Discord bot texts', () => {
  const texts = new DiscordTexts();

  it.each(DISCORD_MESSAGE_KEYS.map((k) => [k]))('%s keeps French typography', (key) => {
    expect(typographyFaults(texts.render(key, { name: 'Claire Dubois', url: 'https://relais.example.fr/link?token=x', minutes: 10 }))).toEqual([]);
  });

  it.each(readdirSync(DISCORD_TEMPLATES_DIR).map((f) => [f]))('the staff template %s keeps French typography', (file) => {
    const template = readFileSync(join(DISCORD_TEMPLATES_DIR, file), 'utf8');
    expect(template.trim().length).toBeGreaterThan(0);
    expect(typographyFaults(template)).toEqual([]);
  });

  it('describes every command within Discord limits (names in lower case, descriptions of 1 to 100 characters)', () => {
    for (const command of commandDefinitions(texts)) {
      expect(command.name).toMatch(/^[a-z]{1,32}$/);
      expect(command.description!.length).toBeGreaterThan(0);
      expect(command.description!.length).toBeLessThanOrEqual(100);
      for (const option of command.options ?? []) expect(option.description.length).toBeLessThanOrEqual(100);
    }
  });
});

describe('the engine replies as Discord messages', () => {
  it('cuts a long text at paragraph breaks into messages of at most 2000 characters, keeping every word', () => {
    const paragraph = 'Le mot de passe se change dans « Mon compte ». '.repeat(20).trim();
    const text = Array.from({ length: 6 }, () => paragraph).join('\n\n');
    const parts = split(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(2000);
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
    // A text with no space at all is cut anyway.
    expect(split('x'.repeat(4500)).map((p) => p.length)).toEqual([2000, 2000, 500]);
  });

  it('puts the choices as buttons on the last message only, five to a row, and never turns words into pings', () => {
    const choices = Array.from({ length: 7 }, (_, i) => ({ id: `school:s${i}`, label: `École ${i}` }));
    const messages = discordMessages(`${'a '.repeat(1500)}\n\n@everyone`, choices, { ephemeral: true });
    expect(messages).toHaveLength(2);
    expect(messages[0].components).toEqual([]);
    expect(messages[1].components.map((r) => r.components.length)).toEqual([5, 2]);
    expect(messages.every((m) => m.flags === 64 && m.allowed_mentions.parse.length === 0)).toBe(true);
  });

  it('keeps labels within 80 characters and leaves out a choice whose id Discord cannot carry', () => {
    const [row] = buttonRows([
      { id: 'helped', label: 'Oui, merci' },
      { id: `approval:approve:${'x'.repeat(100)}`, label: 'Approuver' },
      { id: 'ticket:create', label: 'É'.repeat(120) },
    ]);
    expect(row.components.map((b) => ('custom_id' in b ? b.custom_id : null))).toEqual(['helped', 'ticket:create']);
    expect(row.components.map((b) => ('label' in b ? b.label?.length : 0))).toEqual([10, 80]);
  });
});

describe('Discord configuration', () => {
  const token = 'MTAw.secret-bot-token.value';

  it('is off without a token, and needs the application id with one', () => {
    expect(loadConfig({}).discord).toBeNull();
    expect(() => loadConfig({ DISCORD_TOKEN: token })).toThrow(ConfigError);
    expect(() => loadConfig({ DISCORD_TOKEN: token })).toThrow(/DISCORD_APPLICATION_ID/);
    expect(() => loadConfig({ DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: 'abc' })).toThrow(/snowflake/);
    expect(loadConfig({ DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: '900000000000000001', DISCORD_API_URL: 'http://127.0.0.1:9/api/' }).discord).toEqual({
      token,
      applicationId: '900000000000000001',
      guildId: null,
      apiUrl: 'http://127.0.0.1:9/api',
    });
  });

  it('never shows the token, in a refusal or in the start summary', () => {
    let message = '';
    try {
      loadConfig({ DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: 'x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toContain(token);
    const summary = JSON.stringify(describeConfig(loadConfig({ DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: '900000000000000001' })));
    expect(summary).toContain('"discord":"enabled"');
    expect(summary).not.toContain(token);
  });
});
