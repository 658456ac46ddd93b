import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('makes one load for concurrent look-ups of the same key', async () => {
    const cache = new TtlCache<number>(1_000, 10, clock);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return 42;
    };
    expect(await Promise.all([cache.get('a', load), cache.get('a', load), cache.get('a', load)])).toEqual([42, 42, 42]);
    expect(loads).toBe(1);
  });

  it('loads again once the answer is older than its time to live', async () => {
    const cache = new TtlCache<number>(1_000, 10, clock);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toBe(1);
    now += 999;
    expect(await cache.get('a', load)).toBe(1);
    now += 1;
    expect(await cache.get('a', load)).toBe(2);
  });

  it('does not keep a failed load', async () => {
    const cache = new TtlCache<number>(1_000, 10, clock);
    await expect(cache.get('a', async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.get('a', async () => 7)).toBe(7);
  });

  it('keeps nothing with a time to live of zero', async () => {
    const cache = new TtlCache<number>(0, 10, clock);
    let loads = 0;
    await cache.get('a', async () => ++loads);
    await cache.get('a', async () => ++loads);
    expect(loads).toBe(2);
  });

  it('starts over when full instead of growing', async () => {
    const cache = new TtlCache<string>(1_000, 2, clock);
    let loads = 0;
    const load = async () => `v${++loads}`;
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load); // full: a and b are dropped
    expect(await cache.get('c', load)).toBe('v3');
    expect(await cache.get('a', load)).toBe('v4');
  });

  it('forgets everything on clear', async () => {
    const cache = new TtlCache<number>(1_000, 10, clock);
    let loads = 0;
    await cache.get('a', async () => ++loads);
    cache.clear();
    expect(await cache.get('a', async () => ++loads)).toBe(2);
  });
});
