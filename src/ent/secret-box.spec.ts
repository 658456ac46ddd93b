import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/config';
import { JsonLogger } from '../common/logging/json-logger';
import { maskEmail, maskMobile } from './ent-port';
import { SecretBox, tokenDigest } from './secret-box';

const KEY = Buffer.alloc(32, 1).toString('base64');
const box = (env: NodeJS.ProcessEnv) => new SecretBox(loadConfig(env), new JsonLogger('silent'));

describe('secret box', () => {
  it('opens what it sealed, for the same purpose and key only', () => {
    const secrets = box({ ENT_TOKEN_KEY: KEY });
    const sealed = secrets.encrypt('{"accessToken":"abc"}', 'ent-grant');
    expect(sealed).not.toContain('abc');
    expect(secrets.decrypt(sealed, 'ent-grant')).toBe('{"accessToken":"abc"}');
    expect(secrets.decrypt(sealed, 'sandbox-mail')).toBeNull();
    expect(box({ ENT_TOKEN_KEY: Buffer.alloc(32, 2).toString('base64') }).decrypt(sealed, 'ent-grant')).toBeNull();
    const parts = sealed.split('.');
    parts[3] = parts[3].slice(0, -2) + (parts[3].endsWith('AA') ? 'BB' : 'AA');
    expect(secrets.decrypt(parts.join('.'), 'ent-grant')).toBeNull();
    expect(secrets.decrypt('garbage', 'ent-grant')).toBeNull();
  });

  it('keys digests of short codes, and digests long tokens plainly', () => {
    const secrets = box({ ENT_TOKEN_KEY: KEY });
    expect(secrets.digest('u1:abcd2345', 'sandbox-code')).toBe(secrets.digest('u1:abcd2345', 'sandbox-code'));
    expect(secrets.digest('u1:abcd2345', 'sandbox-code')).not.toBe(box({ ENT_TOKEN_KEY: Buffer.alloc(32, 3).toString('base64') }).digest('u1:abcd2345', 'sandbox-code'));
    expect(tokenDigest('t')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps a generated key beside the embedded database when none is configured', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relais-key-'));
    try {
      const sealed = box({ DATA_DIR: dir }).encrypt('x', 'p');
      expect(existsSync(join(dir, 'ent-token.key'))).toBe(true);
      expect(readFileSync(join(dir, 'ent-token.key'), 'utf8').trim()).toHaveLength(44);
      expect(box({ DATA_DIR: dir }).decrypt(sealed, 'p')).toBe('x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a key that is not 32 bytes in base64, and the real ENT without a key', () => {
    expect(() => loadConfig({ ENT_TOKEN_KEY: 'short' })).toThrow(/ENT_TOKEN_KEY/);
    expect(() => loadConfig({ ENT_ADAPTER: 'entcore', ENT_URL: 'https://ent.example', ENT_CLIENT_ID: 'c', ENT_CLIENT_SECRET: 's' })).toThrow(/ENT_ADAPTER/);
    expect(loadConfig({ ENT_ADAPTER: 'entcore', ENT_URL: 'https://ent.example/', ENT_CLIENT_ID: 'c', ENT_CLIENT_SECRET: 's', ENT_TOKEN_KEY: KEY }).accounts.adapter).toMatchObject({ kind: 'entcore', url: 'https://ent.example' });
  });
});

describe('masking', () => {
  it('shows enough of an address or a number for its owner to recognise it', () => {
    expect(maskEmail('tom.girard@exemple.fr')).toBe('t***@e***.fr');
    expect(maskEmail(null)).toBeNull();
    expect(maskEmail('nonsense')).toBe('***');
    expect(maskMobile('06 98 76 54 32')).toBe('06 ** ** ** 32');
    expect(maskMobile('')).toBeNull();
  });
});
