/**
 * Turns a raw chat message into plain written French before the database
 * analyses it: lower case, one kind of apostrophe, SMS spellings, common
 * misspellings and abbreviations written out, letters repeated for emphasis
 * shortened. Applied the same way to the knowledge base's own phrases and to
 * incoming messages. Meaning is left to the model; this only fixes spelling.
 */

/** Longest text analysed: enough for any real request, bounded for speed. */
export const MAX_ANALYSED_CHARS = 2000;

/** A whole-word pattern: JavaScript's `\b` does not know accented letters. */
function words(alternatives: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'gu');
}

const REWRITES: [RegExp, string][] = [
  [words("mdp|mots? ?de ?pass?e?s?|password|passwd|pwd|mot de pass|mot 2 passe"), 'mot de passe'],
  [words('ident?ifiants?|idantifiants?|identifiens?|identifian|identif|id|ids|login|logins|loggin'), 'identifiant'],
  [words("j ?arrive ?pa|jariv|j'ariv|jarive|j'arive"), "j'arrive pas"],
  [words('jarrive'), "j'arrive"],
  [words('pa'), 'pas'],
  [words('pk|pq|pourquoa'), 'pourquoi'],
  [words('koi|koa'), 'quoi'],
  [words('qd|kan'), 'quand'],
  [words("c(?= (?!'))|cest"), "c'est"],
  [words('svp|stp|svpp|sil vous plait|sil te plait'), "s'il vous plaît"],
  [words('bjr|bsr|slt|cc|hello|coucou'), 'bonjour'],
  [words('mrc|mci|thx|merci d avance'), 'merci'],
  [words('pb|pbs|pblm|probleme|problemes|prob'), 'problème'],
  [words('tjr|tjrs|tj'), 'toujours'],
  [words('bcp'), 'beaucoup'],
  [words('ds'), 'dans'],
  [words('pr'), 'pour'],
  [words('mm|meme'), 'même'],
  [words('jai|j ai|g'), "j'ai"],
  [words('jsuis|chui|chuis|jsui|jss'), 'je suis'],
  [words('jsais|chais|jsé|jsp'), 'je sais pas'],
  [words('jpeux|jpeu'), 'je peux'],
  [words('peu pas|peut pas'), 'peux pas'],
  [words('conection|connection|conexion|connexon'), 'connexion'],
  [words('co'), 'connexion'],
  [words('conecter|connecté|conecté|connectée|conectée|connect'), 'connecter'],
  [words('(?<!adresse )(?:mail|mails|email|e-mail|mel|courriel)'), 'adresse mail'],
  [words('tel|tél|portable|sms'), 'téléphone'],
  [words('appli|applis|app'), 'application'],
  [words('actu|actus'), 'actualités'],
  [words('ordi|ordis'), 'ordinateur'],
  [words('dirlo|dirlot'), 'directeur'],
  [words('bloké|blokée|bloqé|bloque'), 'bloqué'],
  [words('débloké|debloquer|déblocké'), 'débloquer'],
  [words('educonect|educconnect|edu connect|édu connect|educonnnect|eduquonnect'), 'éduconnect'],
  [words('espace numérique de travail|espace numerique de travail'), 'ent'],
];

export function normalizeText(raw: string): string {
  let text = raw.slice(0, MAX_ANALYSED_CHARS).normalize('NFC').toLowerCase();
  text = text
    .replace(/[’‘`´]/g, "'")
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[\w.+-]+@[\w-]+\.[\w.]+/g, ' adresse mail ')
    // "svppp", "merciiii": emphasis, not meaning (legitimate double letters stay).
    .replace(/(\p{L})\1{2,}/gu, '$1')
    .replace(/([!?.])[!?.]+/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [pattern, replacement] of REWRITES) text = text.replace(pattern, replacement);
  return text;
}

/** Greetings, thanks and sign-offs say nothing about the question; left in, they pull every message towards the same answers. */
const COURTESY = words(
  "bonjour|bonsoir|salut|merci(?: beaucoup| d'avance| par avance)?|s'il vous plaît|cordialement|bien cordialement|bonne (?:journée|soirée)|madame|monsieur|mesdames|messieurs|bien à vous",
);

export function withoutCourtesy(normalized: string): string {
  return normalized.replace(COURTESY, ' ').replace(/\s+/g, ' ').trim();
}
