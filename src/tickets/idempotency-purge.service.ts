import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/logging/json-logger';
import { PeriodicTask } from '../common/periodic-task';
import { TicketWriter } from './ticket-writer';

const EVERY_MS = 3_600_000;
const KEEP_MS = 24 * 3_600_000;

/**
 * Idempotency keys only need to outlive client retries, staged files the
 * ticket they were sent for: an hourly purge drops both after a day.
 */
@Injectable()
export class IdempotencyPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    private readonly writer: TicketWriter,
    private readonly clock: Clock,
    logger: JsonLogger,
  ) {
    this.task = new PeriodicTask('tickets.purge_idempotency_keys', EVERY_MS, () => this.purge(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  async purge(): Promise<void> {
    const olderThan = new Date(this.clock.now().getTime() - KEEP_MS);
    await this.writer.purgeIdempotencyKeys(olderThan);
    await this.writer.purgeStagedAttachments(olderThan);
  }
}
