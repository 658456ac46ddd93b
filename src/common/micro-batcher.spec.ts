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

  it('runs each call alone when a batch fails, so a bad input fails only its own call', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(async (inputs) => {
      batches.push(inputs);
      if (inputs.includes(2)) throw new Error(`cannot store ${inputs.join(', ')}`);
      return inputs.map((n) => n * 10);
    });
    const results = await Promise.allSettled([batcher.run(1), batcher.run(2), batcher.run(3)]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : r.value))).toEqual([10, 'cannot store 2', 30]);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(await batcher.run(4)).toBe(40);
  });

  it('answers a lone failing call with its error', async () => {
    const batcher = new MicroBatcher<number, number>(async () => {
      throw new Error('database unreachable');
    });
    await expect(batcher.run(1)).rejects.toThrow('database unreachable');
  });
});
