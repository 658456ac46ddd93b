/**
 * French typography of the answers, applied once, to every rendered answer:
 * a narrow no-break space (U+202F) before « ; ! ? », a no-break space (U+00A0)
 * before « : » and inside « ». Articles are written with ordinary spaces (or
 * none); what a person reads never breaks a line before the punctuation.
 * Web addresses and code spans are left as they are.
 */
export const NBSP = '\u00a0';
export const NNBSP = '\u202f';

/** Web addresses, inline code and Markdown link targets: never retouched. */
const PROTECTED = /(https?:\/\/[^\s)»]+|`[^`]*`|\]\([^)]*\))/g;
const SPACES = '[ \\t\\u00a0\\u202f]';

export function frenchTypography(text: string): string {
  return text
    .split(PROTECTED)
    .map((part, i) => (i % 2 === 1 ? part : typeset(part)))
    .join('');
}

function typeset(part: string): string {
  return part
    .replace(new RegExp(`([^\\s])${SPACES}*([;!?]+)`, 'g'), `$1${NNBSP}$2`)
    // Not in times and ratios ("10:30").
    .replace(new RegExp(`([^\\s\\d])${SPACES}*:(?!\\d)`, 'g'), `$1${NBSP}:`)
    .replace(new RegExp(`«${SPACES}*`, 'g'), `«${NBSP}`)
    .replace(new RegExp(`${SPACES}*»`, 'g'), `${NBSP}»`);
}
