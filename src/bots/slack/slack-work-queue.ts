import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import PQueue from 'p-queue';
import { OneAtATimeByKey } from '../../common/one-at-a-time-by-key';
import { withTimeout } from '../../common/with-timeout';

/**
 * Two at a time: 50 presses at once would otherwise start 50 pieces of work
 * whose database calls share the event loop with the requests still arriving,
 * and those would be acknowledged only after them (bench:slack: two gave a
 * lower p99 and faster modals than one or four).
 */
export const SLACK_WORK_CONCURRENCY = 2;
/** On shutdown, the work already acknowledged is given this long to finish. */
const DRAIN_MS = 5_000;

/**
 * The work behind Slack requests already acknowledged: a few pieces at a
 * time, each started only after the pending I/O (the requests arriving
 * meanwhile, whose acknowledgements go first). Work under the same order key
 * (one thread's messages) runs one after the other, in arrival order, so two
 * replies are never recorded the wrong way round. Slack's trigger ids live
 * 3 s; a queue of 50 presses is worked off well within that.
 */
@Injectable()
export class SlackWorkQueue implements OnApplicationShutdown {
  private readonly queue = new PQueue({ concurrency: SLACK_WORK_CONCURRENCY });
  private readonly inOrder = new OneAtATimeByKey();
  private readonly inFlight = new Set<Promise<void>>();

  run(orderKey: string | null, work: () => Promise<void>): Promise<void> {
    const start = () =>
      this.queue.add(async () => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        await work();
      });
    const piece = orderKey ? this.inOrder.run(orderKey, start) : start();
    this.inFlight.add(piece);
    void piece.catch(() => undefined).finally(() => this.inFlight.delete(piece));
    return piece;
  }

  /** Pieces of work waiting or running. */
  get size(): number {
    return this.inFlight.size;
  }

  async onApplicationShutdown(): Promise<void> {
    const all = Promise.allSettled([...this.inFlight]).then(() => undefined);
    await withTimeout(all, DRAIN_MS, 'the Slack work acknowledged before shutdown').catch(() => undefined);
  }
}
