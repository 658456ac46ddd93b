import { createHmac, timingSafeEqual } from 'node:crypto';

export const ENT_SIGNATURE_HEADER = 'x-relais-signature';
export const ENT_TIMESTAMP_HEADER = 'x-relais-timestamp';

/** `sha256=` + hex HMAC-SHA256(secret, "<unix seconds>.<raw body>"). */
export function signEntRequest(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'invalid';

export function checkEntSignature(
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
  const expected = Buffer.from(signEntRequest(secret, timestamp, rawBody));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? 'ok' : 'invalid';
}
