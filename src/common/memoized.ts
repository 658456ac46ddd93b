/**
 * `compute` with its results remembered, up to `limit` keys (then all are
 * forgotten at once): for pure functions of words, which come back again and again.
 */
export function memoized<T>(compute: (key: string) => T, limit: number): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      if (cache.size >= limit) cache.clear();
      cache.set(key, (value = compute(key)));
    }
    return value;
  };
}
