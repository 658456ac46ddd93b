import { memoized } from '../../common/memoized';
import { normalizeText, withoutCourtesy } from './normalize';

/**
 * What the model reads of a text: the French lexemes PostgreSQL gives
 * (stemmed, unaccented, typos corrected), the sound of each word, so that
 * spellings people write by ear (« conte » for « compte », « kan », « bloké »)
 * still meet the words they stand for, and the words as written (unaccented,
 * small words included), which keep what stemming and stop words drop: « mon
 * compte est bloqué » (someone's own account) against « comment bloquer un
 * compte » (an administrator's task). The same for the knowledge base's
 * phrases at boot, for a message, and for kb:tune.
 */
export interface Reading {
  lexemes: readonly string[];
  sounds: readonly string[];
  words: readonly string[];
}

/** The text the database analyses: normalised, greetings and sign-offs left out. */
export function messageText(raw: string): string {
  return withoutCourtesy(normalizeText(raw));
}

/** The knowledge base's phrases are read exactly like messages. */
export const phraseText = messageText;

/** `text`: the message as messageText prepared it (the text the database analysed). */
export function readingOf(text: string, lexemes: readonly string[]): Reading {
  return { lexemes, sounds: soundsOf(text), words: wordsOf(text) };
}

/** The words of a normalised text as written, accents left out (« l'ent » is « l », « ent »). */
export function wordsOf(normalized: string): string[] {
  return normalized.normalize('NFD').replace(/[\u0300-\u036f]/g, '').match(/[a-z0-9]+/g) ?? [];
}

/** Words too common to say anything, in French and English. */
const STOP_WORDS = new Set(
  (
    "le la les l de des du un une et ou est à au aux en dans pour par sur avec sans mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs " +
    "je j tu il elle on nous vous ils elles ce c cet cette ces ça que qu qui quoi ne n pas plus y a ai as avons avez ont sont suis es être avoir fait faire " +
    'the an to of is are my your our his her their it in on for and or not do does can i we you be'
  ).split(' '),
);

/** Words come back again and again: their sounds are kept, up to a bound (then forgotten all at once). */
const SOUND_CACHE_SIZE = 20_000;
const cachedSoundOf = memoized(soundOf, SOUND_CACHE_SIZE);

export function soundsOf(normalized: string): string[] {
  const out: string[] = [];
  for (const word of normalized.match(/\p{L}+/gu) ?? []) {
    if (word.length < 3 || STOP_WORDS.has(word)) continue;
    const sound = cachedSoundOf(word);
    if (sound.length >= 2) out.push(sound);
  }
  return out;
}

/** Read on the written word (accents still there): soft c and g, silent endings, -er/-é alike, mute e. */
const ENDING_RULES: [RegExp, string][] = [
  [/c(?=[eéèêiy])/g, 's'],
  [/g(?=[eéèêiy])/g, 'j'],
  [/s$/, ''],
  [/[tdxzp]$/, ''],
  [/(?:er|ez|ée|é)$/, 'É'],
  [/e$/, ''],
];

/** Spelling → sound rules for French, in order, on the unaccented word; a rough key, not a transcription. */
const SOUND_RULES: [RegExp, string][] = [
  [/ph/g, 'f'],
  [/qu|q|ck/g, 'k'],
  [/gu(?=[eiy])/g, 'g'],
  [/c(?!h)/g, 'k'],
  [/sc?h/g, 'ch'],
  [/(?<!c)h/g, ''],
  [/eau|au/g, 'o'],
  [/ai|ei/g, 'e'],
  [/y/g, 'i'],
  [/w/g, 'v'],
  // Nasal vowels (before a consonant or at the end): on/om, an/en/am/em, in/im/un.
  [/o[mn](?=[^aeioumn]|$)/g, 'O'],
  [/[ae][mn](?=[^aeioumn]|$)/g, 'A'],
  [/[iu][mn](?=[^aeioumn]|$)/g, 'I'],
  [/([OAI])p(?=t)/g, '$1'],
  [/([a-z])\1+/g, '$1'],
];

export function soundOf(word: string): string {
  let w = word.toLowerCase();
  for (const [pattern, replacement] of ENDING_RULES) w = w.replace(pattern, replacement);
  w = w.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-zE]/g, '');
  for (const [pattern, replacement] of SOUND_RULES) w = w.replace(pattern, replacement);
  return w;
}
