import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 32;
const COST = 16_384;

/**
 * The ENT's password rule as the académie guides state it (seed 003): at least
 * 6 characters, a lower-case letter, an upper-case letter, and a digit or a
 * special character.
 */
export const PASSWORD_RULE = /^(?=.*\p{Ll})(?=.*\p{Lu})(?=.*[^\p{L}]).{6,}$/u;

export function followsPasswordRule(password: string): boolean {
  return PASSWORD_RULE.test(password);
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N: COST }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${COST}$${salt.toString('base64')}$${(await derive(password, salt)).toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const [scheme, cost, salt, hash] = (stored ?? '').split('$');
  if (scheme !== 'scrypt' || Number(cost) !== COST || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Eight characters, like the ENT's renewal and reset codes (no 0/o, 1/l/i to misread). */
export function randomCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}
