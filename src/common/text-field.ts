import { z } from 'zod';

/**
 * Text PostgreSQL can store. It refuses NUL in text and jsonb, and a lone
 * UTF-16 surrogate (JSON `"\ud800"`): jsonb refuses its escape, and text
 * would silently keep U+FFFD instead. Such input is refused with the other
 * input errors instead of failing at the database.
 */
export const hasNoNul = (s: string) => !s.includes('\u0000');
export const NUL_MESSAGE = 'must not contain a NUL character';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const hasNoLoneSurrogate = (s: string) => !LONE_SURROGATE.test(s);
export const LONE_SURROGATE_MESSAGE = 'must not contain a lone UTF-16 surrogate (\\ud800 to \\udfff outside a pair)';

export const isStorableText = (s: string) => hasNoNul(s) && hasNoLoneSurrogate(s);

/** The reason `s` cannot be stored, or null. */
export function unstorableTextReason(s: string): string | null {
  if (!hasNoNul(s)) return NUL_MESSAGE;
  if (!hasNoLoneSurrogate(s)) return LONE_SURROGATE_MESSAGE;
  return null;
}

/** Adds the storability checks to a string schema (for fields with their own messages). */
export const storableText = (schema: z.ZodString) => schema.refine(hasNoNul, NUL_MESSAGE).refine(hasNoLoneSurrogate, LONE_SURROGATE_MESSAGE);

/** Text someone typed: trimmed, bounded, storable. */
export const textField = (min: number, max: number) => storableText(z.string().trim().min(min).max(max));
