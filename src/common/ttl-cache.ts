/**
 * A small in-memory cache of look-ups that keeps each answer for `ttlMs`.
 * Concurrent look-ups of the same key share one load (fifty requests arriving
 * together make one query, not fifty); a failed load is not kept. Bounded:
 * it starts over when full rather than growing without limit.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const at = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > at) return hit.value;
    if (this.ttlMs <= 0) return load();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const entry = { value: load(), until: at + this.ttlMs };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  clear(): void {
    this.entries.clear();
  }
}
