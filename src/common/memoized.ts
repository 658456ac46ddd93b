/**
 * `compute` with its results remembered, up to `limit` keys (then all are
 * forgotten at once): for pure functions of keys that come back again and
 * again (words, days). `compute` must not return undefined.
 */
export function memoized<K, T>(compute: (key: K) => T, limit: number): (key: K) => T {
  const cache = new Map<K, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      if (cache.size >= limit) cache.clear();
      cache.set(key, (value = compute(key)));
    }
    return value;
  };
}
