import { OneAtATimeByKey } from './one-at-a-time-by-key';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('OneAtATimeByKey', () => {
  it('runs one key in arrival order, the next after the previous failed too, and other keys alongside', async () => {
    const serial = new OneAtATimeByKey();
    const done: string[] = [];
    const a1 = serial.run('a', async () => { await sleep(30); done.push('a1'); throw new Error('boom'); });
    const a2 = serial.run('a', async () => { done.push('a2'); return 2; });
    const b1 = serial.run('b', async () => { done.push('b1'); });
    await expect(a1).rejects.toThrow('boom');
    expect(await a2).toBe(2);
    await b1;
    expect(done).toEqual(['b1', 'a1', 'a2']);
  });
});
