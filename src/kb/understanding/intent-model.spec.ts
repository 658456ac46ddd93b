import { DEFAULT_MODEL_OPTIONS, featuresOf, IntentModel, LabelledPhrase } from './intent-model';

const phrase = (label: string, text: string, kind: LabelledPhrase['kind'] = 'example', sounds: string[] = []): LabelledPhrase => ({
  label,
  kind,
  lexemes: text.split(' '),
  sounds,
  words: [],
});
const read = (lexemes: string[], sounds: string[] = [], words: string[] = []) => ({ lexemes, sounds, words });

describe('IntentModel', () => {
  const model = new IntentModel([
    phrase('password', 'oubli mot pass'),
    phrase('password', 'perdu mot pass compt'),
    phrase('password', 'mot pass', 'keyword'),
    phrase('storage', 'espac stockag plein compt'),
    phrase('storage', 'quot stockag depass'),
    phrase('storage', 'stockag', 'keyword'),
    phrase('other', 'menu cantin'),
  ], { ...DEFAULT_MODEL_OPTIONS, minFeatureCount: 1 });

  it('uses words, neighbouring pairs and letter trigrams as features', () => {
    expect(featuresOf(read(['reinitialis']), 0.5).get('#ini')).toBe(0.5);
    expect(featuresOf(read(['pas']), 0.5).has('#pas')).toBe(false); // too short to be worth it
    expect(featuresOf(read(['compt'], ['kOt']), 0, 0.5).get('~kOt')).toBe(0.5);
    expect([...featuresOf(read(['mot', 'pass', 'mot']), 0, 0).entries()]).toEqual([
      ['mot', 2],
      ['pass', 1],
      ['mot_pass', 1],
      ['pass_mot', 1],
    ]);
  });

  it('keeps the words as written and their pairs, small words included', () => {
    const features = featuresOf(read([], [], ['mon', 'compte', 'est', 'bloque']), 0, 0, 0.7, 0.6);
    expect(features.get('&mon')).toBe(0.7);
    expect(features.get('&mon_compte')).toBe(0.6);
    expect(features.has('&compte_mon')).toBe(false);
    expect(featuresOf(read([], [], ['mon', 'compte']), 0, 0, 0, 0).size).toBe(0);
  });

  it('ranks the label whose phrases share the distinctive words', () => {
    expect(model.rank(read(['oubli', 'mot', 'pass']))[0].label).toBe('password');
    expect(model.rank(read(['stockag', 'plein']))[0].label).toBe('storage');
    expect(model.rank(read(['cantin']))[0].label).toBe('other');
  });

  it('weighs words shared by several labels less than distinctive ones', () => {
    expect(model.rank(read(['compt', 'stockag']))[0].label).toBe('storage');
    expect(model.rank(read(['compt', 'oubli']))[0].label).toBe('password');
  });

  it('also learns from copies of its examples with words left out', () => {
    const alone = new IntentModel([phrase('a', 'mot pass oubli'), phrase('b', 'espac plein')], { ...DEFAULT_MODEL_OPTIONS, dropoutCopies: 0 });
    const withCopies = new IntentModel([phrase('a', 'mot pass oubli'), phrase('b', 'espac plein')], { ...DEFAULT_MODEL_OPTIONS, dropoutCopies: 3, dropoutRate: 0.5 });
    expect(withCopies.rank(read(['oubli']))[0].label).toBe('a');
    expect(withCopies.rank(read(['oubli']))).not.toEqual(alone.rank(read(['oubli'])));
  });

  it('gives no weight to features found in fewer phrases than minFeatureCount', () => {
    const phrases = [phrase('a', 'mot pass oubli'), phrase('a', 'mot pass perdu'), phrase('b', 'espac plein'), phrase('b', 'espac sature')];
    const options = { ...DEFAULT_MODEL_OPTIONS, dropoutCopies: 0, minFeatureCount: 2 };
    const pruned = new IntentModel(phrases, options);
    expect(pruned.rank(read(['oubli']))).toEqual(pruned.rank(read([])));
    expect(pruned.rank(read(['mot']))[0].label).toBe('a');
    expect(new IntentModel(phrases, { ...options, minFeatureCount: 1 }).rank(read(['oubli']))[0].label).toBe('a');
  });

  it('trains to the same model every time', () => {
    const again = new IntentModel([phrase('a', 'un deux'), phrase('b', 'trois quatr')]);
    const once = new IntentModel([phrase('a', 'un deux'), phrase('b', 'trois quatr')]);
    expect(again.rank(read(['deux']))).toEqual(once.rank(read(['deux'])));
  });

  it('hears a word spelt by ear through its sound', () => {
    const withSounds = new IntentModel([
      phrase('account', 'compt bloqu', 'example', ['kOt', 'blokE']),
      phrase('storage', 'espac plein', 'example', ['espas', 'plI']),
    ]);
    expect(withSounds.rank(read(['cont'], ['kOt']))[0].label).toBe('account');
  });

  it('gives probabilities, and learns nothing from words it never saw', () => {
    const ranked = model.rank(read(['mot', 'pass']));
    expect(ranked.reduce((sum, r) => sum + r.score, 0)).toBeCloseTo(1, 6);
    expect(ranked[0].score).toBeGreaterThan(0.5);
    expect(model.rank(read(['xyzw']))).toEqual(model.rank(read([])));
  });
});
