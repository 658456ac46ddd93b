import { hasNoLoneSurrogate, isStorableText, textField, unstorableTextReason } from './text-field';

describe('textField', () => {
  const field = textField(1, 50);

  it.each([
    ['a lone high surrogate', 'mot \ud800 de passe'],
    ['a lone low surrogate', '\udc00'],
    ['a high surrogate at the end', 'fin \ud83d'],
    ['two high surrogates', '\ud800\ud800'],
    ['a pair in the wrong order', '\ude00\ud83d'],
    ['a NUL', 'a\u0000b'],
  ])('refuses %s', (_, text) => {
    expect(field.safeParse(text).success).toBe(false);
    expect(isStorableText(text)).toBe(false);
  });

  it.each([['an emoji (a surrogate pair)', 'Merci 😀'], ['accents', 'élève, année, œuf'], ['U+FFFF', '\uffff'], ['a right-to-left mark', '\u200f']])(
    'accepts %s',
    (_, text) => {
      expect(field.parse(text)).toBe(text);
      expect(hasNoLoneSurrogate(text)).toBe(true);
    },
  );

  it('says why', () => {
    expect(unstorableTextReason('a\u0000')).toMatch(/NUL/);
    expect(unstorableTextReason('a\ud800')).toMatch(/surrogate/);
    expect(unstorableTextReason('ok')).toBeNull();
  });
});
