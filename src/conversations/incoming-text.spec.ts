import { MAX_MESSAGE_CHARS, readIncoming } from './incoming-text';

describe('what a person typed', () => {
  it('reads words, without control characters or markup', () => {
    expect(readIncoming("  j'ai oublié\u0007 mon <b>mot de passe</b>\n")).toEqual({ kind: 'text', text: "j'ai oublié mon mot de passe" });
    expect(readIncoming('<script>alert(1)</script>')).toEqual({ kind: 'text', text: 'alert(1)' });
  });
  it('recognises what there is nothing to understand in', () => {
    expect(readIncoming('   ')).toEqual({ kind: 'empty' });
    expect(readIncoming('<br/><hr>')).toEqual({ kind: 'empty' });
    expect(readIncoming('🙂🙂🙂 !!!')).toEqual({ kind: 'no_words' });
    expect(readIncoming('a'.repeat(MAX_MESSAGE_CHARS + 1))).toEqual({ kind: 'too_long' });
    expect(readIncoming('x'.repeat(20_000))).toEqual({ kind: 'too_long' });
  });
  it('drops the lone halves of a surrogate pair, keeps a whole emoji', () => {
    expect(readIncoming('merci \ud800😀')).toEqual({ kind: 'text', text: 'merci 😀' });
  });
});
