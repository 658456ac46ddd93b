import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { JsonLogger } from '../../common/logging/json-logger';
import { PeriodicTask } from '../../common/periodic-task';
import { underAdvisoryLock } from '../../database/advisory-lock';

const PURGE_EVERY_MS = 3_600_000;
/** Slack retries within minutes; a day is ample. */
const KEEP_MS = 24 * 3_600_000;

/**
 * Which Slack events were taken in hand, in the database: Slack's retries
 * (`X-Slack-Retry-Num`) and an event reaching two replicas are worked once,
 * across restarts too.
 */
@Injectable()
export class SlackEventLog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly purging: PeriodicTask;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    logger: JsonLogger,
  ) {
    this.purging = new PeriodicTask('slack.purge_events', PURGE_EVERY_MS, () => this.purge(), logger);
  }

  onApplicationBootstrap(): void {
    this.purging.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.purging.stop();
  }

  /** True for the first delivery of an event; false when it was taken in hand already. */
  async claim(eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      'INSERT INTO slack_events (event_id, received_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id',
      [eventId.slice(0, 200), this.clock.now()],
    );
    return rows.length === 1;
  }

  async purge(): Promise<void> {
    const olderThan = new Date(this.clock.now().getTime() - KEEP_MS);
    await underAdvisoryLock(this.db, 'slack.purge_events', (m) => m.query('DELETE FROM slack_events WHERE received_at < $1', [olderThan]).then(() => undefined));
  }
}
