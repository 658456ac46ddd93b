import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import PQueue from 'p-queue';
import { withTimeout } from '../../common/with-timeout';

/**
 * Few at a time: 50 presses at once would otherwise start 50 pieces of work
 * whose database calls share the event loop with the requests still arriving,
 * and those would be acknowledged only after them.
 */
export const SLACK_WORK_CONCURRENCY = 4;
/** On shutdown, the work already acknowledged is given this long to finish. */
const DRAIN_MS = 5_000;

/**
 * The work behind Slack requests already acknowledged: a few pieces at a
 * time, each started only after the pending I/O (the requests arriving
 * meanwhile, whose acknowledgements go first). Slack's trigger ids live 3 s;
 * a queue of 50 presses is worked off well within that.
 */
@Injectable()
export class SlackWorkQueue implements OnApplicationShutdown {
  private readonly queue = new PQueue({ concurrency: SLACK_WORK_CONCURRENCY });

  run(work: () => Promise<void>): Promise<void> {
    return this.queue.add(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await work();
    });
  }

  /** Pieces of work waiting or running. */
  get size(): number {
    return this.queue.size + this.queue.pending;
  }

  async onApplicationShutdown(): Promise<void> {
    await withTimeout(this.queue.onIdle(), DRAIN_MS, 'the Slack work acknowledged before shutdown').catch(() => undefined);
  }
}
