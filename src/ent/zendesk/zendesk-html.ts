/**
 * Comments cross between the ENT's HTML (`html_body`) and the plain text of
 * Relais messages. The ENT writes each comment as "Auteur : <name>" and the
 * text with its line breaks turned into <br/>, and may bring rich-editor HTML;
 * it does not escape a "<" in plain text, so only what looks like a tag is a tag.
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0',
  laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', hellip: '…', ndash: '–', mdash: '—',
  eacute: 'é', egrave: 'è', ecirc: 'ê', euml: 'ë', agrave: 'à', acirc: 'â', auml: 'ä', ccedil: 'ç',
  icirc: 'î', iuml: 'ï', ocirc: 'ô', ouml: 'ö', ugrave: 'ù', ucirc: 'û', uuml: 'ü', oelig: 'œ', aelig: 'æ',
  Eacute: 'É', Egrave: 'È', Ecirc: 'Ê', Agrave: 'À', Acirc: 'Â', Ccedil: 'Ç', Ocirc: 'Ô', OElig: 'Œ',
  euro: '€', deg: '°', copy: '©', reg: '®', middot: '·', bull: '•',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/gi, (entity, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      // NUL and surrogates stay written out: PostgreSQL cannot store them alone.
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[name] ?? entity;
  });
}

/** The text of an HTML comment: line breaks and blocks become new lines, other tags go, entities are decoded. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|tr|blockquote|pre|ul|ol|table)\s*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '- ')
    .replace(/<\/?[a-z][^<>]*>/gi, '');
  return decodeEntities(text)
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** "Auteur : <name>" on the first line, as the ENT heads its comments; the rest is what the person wrote. */
export function splitAuthor(text: string): { author: string | null; body: string } {
  const [first, ...rest] = text.split('\n');
  const match = /^\s*Auteur\s*:\s*(.+?)\s*$/.exec(first);
  return match ? { author: match[1], body: rest.join('\n').trim() } : { author: null, body: text };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A message as Zendesk-style HTML: one paragraph per line, no <br>. The ENT
 * skips a comment whose text before the first <br> says "Auteur :" (its own
 * echo): without <br>, a reply written here is never mistaken for one.
 */
export function textToHtml(text: string): string {
  const paragraphs = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => `<p>${escapeHtml(line)}</p>`);
  return `<div class="zd-comment" dir="auto">${paragraphs.join('')}</div>`;
}
