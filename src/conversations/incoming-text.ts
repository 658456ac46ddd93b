/** Longest message read: a long, rambling letter fits; a pasted document does not. */
export const MAX_MESSAGE_CHARS = 4000;

export type IncomingText =
  | { kind: 'text'; text: string }
  | { kind: 'empty' }
  | { kind: 'too_long' }
  /** Only emoji, punctuation or symbols: nothing to understand. */
  | { kind: 'no_words' };

/**
 * What a person typed, made safe to read: control characters and text the
 * database cannot store go, markup is read as the words it holds (never
 * kept as markup), and garbage is recognised so it gets a polite answer and
 * changes nothing.
 */
export function readIncoming(raw: string): IncomingText {
  if (raw.length > MAX_MESSAGE_CHARS * 2) return { kind: 'too_long' };
  const cleaned = raw
    // Lone UTF-16 surrogates and control characters (but line breaks and tabs).
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    // Markup: its words stay, its tags go.
    .replace(/<[^>]{0,200}>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!cleaned) return { kind: 'empty' };
  if (cleaned.length > MAX_MESSAGE_CHARS) return { kind: 'too_long' };
  if (!/[\p{L}\p{N}]/u.test(cleaned)) return { kind: 'no_words' };
  return { kind: 'text', text: cleaned };
}
