/**
 * Secrets people type by mistake in free text (« mon mot de passe est
 * Soleil2024! », a renewal code pasted back): masked before anything is
 * stored, so no table, export or log ever holds them. One function, called by
 * every path that stores free text (ticket subjects, descriptions and
 * messages, ENT and Zendesk comments, conversation turns).
 */
export const MASKED_SECRET = '[masqué]';

const SECRET_WORDS = String.raw`(?:mots? de passe|mdp|password|passe|pwd|code(?: de renouvellement| d['’]activation| de réinitialisation| provisoire| secret)?)`;
const FILLERS = String.raw`(?:\s+(?:actuel|provisoire|nouveau|nouvel|temporaire))?`;
// « : » or « = » announce a secret whatever it looks like; « est » only when it looks like one (« mon mot de passe est bloqué » stays).
const ANNOUNCED = new RegExp(String.raw`(\b${SECRET_WORDS}${FILLERS}\s*(?:[:=]|est\s*:?|était|c['’]est)\s*[«"'“]?\s*)([^\s«»"'“”,;]{3,})`, 'giu');
// Renewal and reset codes: eight characters of the ENT's alphabet (no 0, o, 1, l, i), letters and digits mixed.
const RENEWAL_CODE = /(?<![\p{L}\p{N}_-])(?=[a-z2-9]*[2-9])(?=[a-z2-9]*[a-z])[abcdefghjkmnpqrstuvwxyz23456789]{8}(?![\p{L}\p{N}_-])/gu;
// A password-like word anywhere: lower and upper case letters, a digit and a symbol, eight characters or more.
const PASSWORD_LIKE = /(?<!\S)(?=\S*\p{Ll})(?=\S*\p{Lu})(?=\S*\p{N})(?=\S*[^\p{L}\p{N}\s])[^\s«»"“”]{8,64}(?<![.,;:!?)\]])/gu;

/** A plain lower-case word, hyphens and apostrophes allowed: « demande-le », « l’enseignant ». */
const PLAIN_WORD = /^[\p{Ll}]+(?:[-'’][\p{Ll}]+)*$/u;

function looksSecret(token: string, announcedBy: string, rest: string): boolean {
  const shaped = /\p{N}/u.test(token) || /[^\p{L}\p{N}.!?]/u.test(token) || /.\p{Lu}/u.test(token);
  if (!/[:=]\s*[«"'“]?\s*$/u.test(announcedBy)) return shaped;
  // After « : », a plain word that the sentence goes on from is prose (« le code : demande-le à ta maîtresse »); alone, it is the secret.
  return !PLAIN_WORD.test(token) || /^\s*(?:$|[.,;!?\n])/u.test(rest);
}

/** `text` with every secret it holds replaced by « [masqué] »; text without one comes back unchanged (the same string). */
export function maskSecrets(text: string): string {
  if (!text) return text;
  let masked = text.replace(ANNOUNCED, (whole: string, announcedBy: string, token: string, offset: number) => {
    if (token === MASKED_SECRET || !looksSecret(token, announcedBy, text.slice(offset + whole.length))) return whole;
    // A final full stop ends the sentence; anything else may be part of the secret, so it goes with it.
    return announcedBy + MASKED_SECRET + (token.endsWith('.') ? '.' : '');
  });
  masked = masked.replace(PASSWORD_LIKE, MASKED_SECRET).replace(RENEWAL_CODE, MASKED_SECRET);
  return masked === text ? text : masked;
}
