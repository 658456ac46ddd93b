import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxService } from './outbox.service';

/** Between two looks at what is still due. */
const SETTLE_PAUSE_MS = 10;

/**
 * Waits until everything committed so far has been told: the relay has read
 * the history to its end and no notification is due and undelivered. For
 * callers that must answer with what a change caused (the chat command's
 * story lines), not for the request path.
 */
@Injectable()
export class NotificationsSettle {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly relay: OutboxRelay,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async settle(timeoutMs = 10_000): Promise<boolean> {
    const until = performance.now() + timeoutMs;
    while (performance.now() < until) {
      await this.relay.relay();
      const [{ due }]: { due: number }[] = await this.db.query(
        `SELECT count(*)::int AS due FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1`,
        [this.clock.now()],
      );
      if (due === 0) return true;
      await this.outbox.sweep();
      // A row still due is being delivered by someone else (its lease): wait for it on the event loop. Without
      // this pause, on the embedded database (whose queries resolve without I/O) the loop would starve the very
      // delivery it waits for, until the timeout.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_PAUSE_MS));
    }
    return false;
  }
}
