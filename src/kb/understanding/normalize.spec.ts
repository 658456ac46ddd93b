import fc from 'fast-check';
import { applySpellingRules, MAX_ANALYSED_CHARS, normalizeText, SPELLING_RULES, withoutCourtesy } from './normalize';

describe('normalizeText', () => {
  it.each([
    ['jarrive pa a me co svp', "j'arrive pas a me connexion s'il vous plaît"],
    ['MDP oublié!!!', 'mot de passe oublié!'],
    ['c koi mon id', "c'est quoi mon identifiant"],
    ['bjr g perdu mon mot 2 passe', "bonjour j'ai perdu mon mot de passe"],
    ['svppp merciii', "s'il vous plaît merci"],
    ['educonect marche pas', 'éduconnect marche pas'],
    ["l’ENT de l’école", "l'ent de l'école"],
    ['écrivez à jean.dupont@ac-exemple.fr', 'écrivez à adresse mail'],
    ['mon mail et mon tel', 'mon adresse mail et mon téléphone'],
    ['mon conte et bloké', 'mon compte est bloqué'],
    ['ya 2 comptes', 'il y a deux comptes'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeText(raw)).toBe(expected);
  });

  it('reads English as French', () => {
    expect(normalizeText("I forgot my password and my son can't log in")).toBe('i oublié my mot de passe and mon fils impossible de se connecter');
    expect(normalizeText('the class is missing from the admin console')).toBe("the classe is n'apparaît pas from the console d'administration");
    expect(normalizeText('mon fils a son code')).toBe('mon fils a son code');
  });

  it('keeps words that merely contain an abbreviation', () => {
    expect(normalizeText('identité pédagogique, pas de code')).toBe('identité pédagogique, pas de code');
    expect(normalizeText('la classe de CM2 et le groupe')).toBe('la classe de cm2 et le groupe');
  });

  it('keeps legitimate double letters', () => {
    expect(normalizeText('connexion, courrier, appeler')).toBe('connexion, courrier, appeler');
  });

  it('bounds the analysed length', () => {
    expect(normalizeText('a'.repeat(50) + ' ' + 'mot '.repeat(5000)).length).toBeLessThanOrEqual(MAX_ANALYSED_CHARS);
  });

  it('drops greetings and sign-offs before analysis', () => {
    const text = withoutCourtesy(normalizeText('Bonjour madame, mdp oublié svp, merci d’avance. Cordialement'));
    expect(text).toContain('mot de passe oublié');
    expect(text).not.toMatch(/bonjour|madame|plaît|merci|avance|cordialement/);
    expect(withoutCourtesy('bonjour')).toBe('');
  });
});

describe('applySpellingRules', () => {
  /** The rules one by one, none skipped: what the chunked pass must equal. */
  const oneByOne = (text: string) => SPELLING_RULES.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);
  /** Words the rules rewrite (each rule's first alternative), among ordinary ones and noise. */
  const known = SPELLING_RULES.map(([pattern]) => /\(\?:\(\?:([^|()?\\[]+)/.exec(pattern.source)?.[1] ?? /\(\?:([^|()?\\[]+)/.exec(pattern.source)?.[1]).filter((w): w is string => !!w);
  const word = fc.oneof(fc.constantFrom(...known), fc.constantFrom('le', 'compte', 'élève', 'mon', 'est', 'pas', 'de', "l'", 'ent', 'à'), fc.string({ maxLength: 6 }));

  it('knows enough of the rules\' words to exercise them', () => {
    expect(known.length).toBeGreaterThan(SPELLING_RULES.length * 0.8);
  });

  it('gives what the rules applied one by one give', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 25 }), fc.constantFrom(' ', ', ', ' ! ', "'"), (parts, gap) => {
        const text = parts.join(gap).toLowerCase();
        expect(applySpellingRules(text)).toBe(oneByOne(text));
      }),
      { numRuns: 500 },
    );
  });
});
