import { memoized } from './memoized';

describe('memoized', () => {
  it('computes each key once and gives the same value again', () => {
    const computed: string[] = [];
    const upper = memoized((word) => {
      computed.push(word);
      return word.toUpperCase();
    }, 10);
    expect([upper('compte'), upper('code'), upper('compte')]).toEqual(['COMPTE', 'CODE', 'COMPTE']);
    expect(computed).toEqual(['compte', 'code']);
  });

  it('forgets everything once the bound is reached, and still answers right', () => {
    const computed: string[] = [];
    const length = memoized((word) => {
      computed.push(word);
      return word.length;
    }, 2);
    expect([length('a'), length('bb'), length('ccc'), length('a')]).toEqual([1, 2, 3, 1]);
    // 'ccc' found the cache full (a, bb): it was cleared, so 'a' is computed again.
    expect(computed).toEqual(['a', 'bb', 'ccc', 'a']);
  });
});
