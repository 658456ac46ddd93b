/**
 * French typography a reader expects: a non-breaking space (U+00A0, or the
 * narrow U+202F) before « : ; ? ! » and inside « », so a line never starts
 * with a colon or ends with an opening guillemet. Texts are written that way
 * in their sources (templates, rules); tests hold every source to it.
 */
const BREAKABLE_BEFORE = /[ \t\n]+([:;?!»])/g;
const BREAKABLE_AFTER = /(«)[ \t\n]/g;

/** Each place where a breakable space (or none) stands where French wants a non-breaking one. */
export function typographyFaults(text: string): string[] {
  const faults: string[] = [];
  const around = (index: number) => JSON.stringify(text.slice(Math.max(0, index - 15), index + 15));
  for (const m of text.matchAll(BREAKABLE_BEFORE)) faults.push(`breakable space before "${m[1]}" in ${around(m.index)}`);
  for (const m of text.matchAll(BREAKABLE_AFTER)) faults.push(`breakable space after "«" in ${around(m.index)}`);
  // "mot:" with no space at all (but not "https://", times like "10:00" or Handlebars' own syntax).
  for (const m of text.matchAll(/[\p{L}»)](?<!\{\{[^}]*)([;?!»]|:(?!\/\/))(?=[\s]|$)/gu)) {
    if (m[1] === '»') continue;
    faults.push(`no space before "${m[1]}" in ${around(m.index)}`);
  }
  return faults;
}
