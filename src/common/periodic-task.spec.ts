import { JsonLogger } from './logging/json-logger';
import { PeriodicTask } from './periodic-task';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PeriodicTask', () => {
  const logger = new JsonLogger('silent');

  it('runs at once when triggered, and again for a trigger that came during the run', async () => {
    const starts: number[] = [];
    const task = new PeriodicTask('test', 60_000, async () => {
      starts.push(Date.now());
      await sleep(30);
    }, logger);
    task.start();
    task.trigger();
    await sleep(5);
    task.trigger();
    task.trigger();
    await sleep(100);
    await task.stop();
    expect(starts).toHaveLength(2);
  });

  it('with a trigger gap, makes the triggers of that time one run, started the gap after the last', async () => {
    const starts: number[] = [];
    // A wide gap: a busy machine (CI) stretching the 5 ms sleeps must not push a trigger past it.
    const task = new PeriodicTask('test', 60_000, async () => void starts.push(Date.now()), logger, { triggerGapMs: 400 });
    task.start();
    task.trigger();
    for (let i = 0; i < 10; i++) {
      await sleep(5);
      task.trigger();
    }
    await sleep(600);
    await task.stop();
    expect(starts).toHaveLength(2);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(395);
  });

  it('runs nothing once stopped, even a trigger that was waiting for its gap', async () => {
    let runs = 0;
    const task = new PeriodicTask('test', 60_000, async () => void runs++, logger, { triggerGapMs: 50 });
    task.start();
    task.trigger();
    await sleep(5);
    task.trigger();
    await task.stop();
    await sleep(80);
    expect(runs).toBe(1);
  });
});
