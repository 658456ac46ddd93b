import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of Relais's webhooks, both ways: the ENT intake checks it on
 * what it receives, the académie's incident tool on what Relais sends.
 */

export const SIGNATURE_HEADER = 'x-relais-signature';
export const TIMESTAMP_HEADER = 'x-relais-timestamp';

/** `sha256=` + hex HMAC-SHA256(secret, "<unix seconds>.<raw body>"). */
export function signRelaisRequest(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'invalid';

export function checkRelaisSignature(
  secret: string,
  headers: { signature?: string; timestamp?: string },
  rawBody: Buffer,
  nowSeconds: number,
  maxAgeSeconds: number,
): SignatureCheck {
  if (!headers.signature || !headers.timestamp) return 'missing';
  if (!/^\d{1,12}$/.test(headers.timestamp)) return 'invalid';
  const timestamp = Number(headers.timestamp);
  // Future timestamps are refused too: a captured request cannot be held back and replayed later.
  if (Math.abs(nowSeconds - timestamp) > maxAgeSeconds) return 'stale';
  const expected = Buffer.from(signRelaisRequest(secret, timestamp, rawBody));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? 'ok' : 'invalid';
}
