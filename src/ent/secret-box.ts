import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { JsonLogger } from '../common/logging/json-logger';

const KEY_FILE = 'ent-token.key';
const VERSION = 'v1';

/** SHA-256 of a random token: enough to find it again, useless to anyone who reads the table. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A random token for URLs and confirmations (256 bits). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Encrypts what must be read back (ENT grants, the sandbox's mail) with
 * AES-256-GCM, and keys short secrets' digests (codes) with HMAC, both from
 * ENT_TOKEN_KEY through HKDF, one subkey per purpose. Without the variable the
 * embedded database keeps a generated key beside its data; PostgreSQL gets a key
 * for this process only (linked accounts must then be linked again after a
 * restart), which the configuration forbids with the real ENT.
 */
@Injectable()
export class SecretBox {
  private readonly master: Buffer;
  private readonly subkeys = new Map<string, Buffer>();

  constructor(@Inject(APP_CONFIG) config: AppConfig, logger: JsonLogger) {
    if (config.accounts.tokenKey) this.master = config.accounts.tokenKey;
    else if (config.database.kind === 'pglite') this.master = keyBeside(config.database.dataDir);
    else {
      this.master = randomBytes(32);
      logger.event('warn', 'accounts.ephemeral_token_key', { hint: 'set ENT_TOKEN_KEY so linked ENT accounts survive a restart' }, 'SecretBox');
    }
  }

  encrypt(plain: string, purpose: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.subkey(`enc:${purpose}`), iv);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Null when the box was sealed with another key or altered. */
  decrypt(box: string, purpose: string): string | null {
    const [version, iv, tag, body] = box.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.subkey(`enc:${purpose}`), Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  /** Keyed digest of a short secret (an 8-character code cannot be protected by a plain hash). */
  digest(value: string, purpose: string): string {
    return createHmac('sha256', this.subkey(`mac:${purpose}`)).update(value).digest('hex');
  }

  private subkey(info: string): Buffer {
    let key = this.subkeys.get(info);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.master, Buffer.alloc(0), info, 32));
      this.subkeys.set(info, key);
    }
    return key;
  }
}

function keyBeside(dataDir: string): Buffer {
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // Readable by the service's user only; 'wx' never overwrites a key another start wrote first.
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
