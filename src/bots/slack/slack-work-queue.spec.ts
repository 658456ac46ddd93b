import { orderKey } from './slack-events.controller';
import { SLACK_WORK_CONCURRENCY, SlackWorkQueue } from './slack-work-queue';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('SlackWorkQueue', () => {
  it('works off one thread in arrival order, even when the first piece is the slowest', async () => {
    const queue = new SlackWorkQueue();
    const done: string[] = [];
    await Promise.all([
      queue.run('thread:C1:1', async () => { await sleep(40); done.push('reply'); }),
      queue.run('thread:C1:1', async () => { done.push('note'); }),
      queue.run('thread:C1:1', async () => { await sleep(5); done.push('third'); }),
    ]);
    expect(done).toEqual(['reply', 'note', 'third']);
  });

  it('goes on with a thread after one of its pieces failed', async () => {
    const queue = new SlackWorkQueue();
    const done: string[] = [];
    const failed = queue.run('thread:C1:1', async () => { throw new Error('boom'); });
    const next = queue.run('thread:C1:1', async () => { done.push('next'); });
    await expect(failed).rejects.toThrow('boom');
    await next;
    expect(done).toEqual(['next']);
    await sleep(0);
    expect(queue.size).toBe(0);
  });

  it('runs different threads side by side, never more than its concurrency at once', async () => {
    const queue = new SlackWorkQueue();
    let running = 0;
    let most = 0;
    const piece = async () => { running += 1; most = Math.max(most, running); await sleep(20); running -= 1; };
    await Promise.all(Array.from({ length: 12 }, (_, i) => queue.run(i % 2 ? `thread:C:${i}` : null, piece)));
    expect(most).toBe(SLACK_WORK_CONCURRENCY);
    expect(queue.size).toBe(0);
  });

  it('waits on shutdown for the work already acknowledged', async () => {
    const queue = new SlackWorkQueue();
    const done: string[] = [];
    void queue.run('thread:C1:1', async () => { await sleep(30); done.push('a'); });
    void queue.run('thread:C1:1', async () => { await sleep(10); done.push('b'); });
    await queue.onApplicationShutdown();
    expect(done).toEqual(['a', 'b']);
  });
});

describe('orderKey', () => {
  it('puts a thread\'s parent and replies under one key, a message\'s presses under another', () => {
    const parent = orderKey({ type: 'event_callback', event: { channel: 'C1', ts: '17.1' } });
    const reply = orderKey({ type: 'event_callback', event: { channel: 'C1', ts: '17.2', thread_ts: '17.1' } });
    expect(parent).toBe(reply);
    expect(orderKey({ type: 'event_callback', event: { channel: 'C2', ts: '17.2', thread_ts: '17.1' } })).not.toBe(reply);
    expect(orderKey({ type: 'block_actions', container: { channel_id: 'C1', message_ts: '17.1' } })).toBe('message:C1:17.1');
    expect(orderKey({ command: '/relais' })).toBeNull();
  });
});
