import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('runs the calls made together as one batch and answers each in order', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, string>(async (inputs) => {
      batches.push(inputs);
      return inputs.map((n) => `#${n}`);
    });
    expect(await Promise.all([batcher.run(1), batcher.run(2), batcher.run(3)])).toEqual(['#1', '#2', '#3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch for calls made after the first one left', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(async (inputs) => {
      batches.push(inputs);
      return inputs;
    });
    await batcher.run(1);
    await Promise.all([batcher.run(2), batcher.run(3)]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('never lets a batch grow past its maximum', async () => {
    const sizes: number[] = [];
    const batcher = new MicroBatcher<number, number>(async (inputs) => {
      sizes.push(inputs.length);
      return inputs.map((n) => n * 2);
    }, 4);
    const inputs = Array.from({ length: 10 }, (_, i) => i);
    expect(await Promise.all(inputs.map((n) => batcher.run(n)))).toEqual(inputs.map((n) => n * 2));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('fails every call of a failed batch with its error, and goes on afterwards', async () => {
    let fail = true;
    const batcher = new MicroBatcher<number, number>(async (inputs) => {
      if (fail) throw new Error('database unreachable');
      return inputs;
    });
    const results = await Promise.allSettled([batcher.run(1), batcher.run(2)]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : r.value))).toEqual([
      'database unreachable',
      'database unreachable',
    ]);
    fail = false;
    expect(await batcher.run(3)).toBe(3);
  });
});
