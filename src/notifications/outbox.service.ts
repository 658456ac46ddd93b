import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/logging/json-logger';
import { PeriodicTask } from '../common/periodic-task';
import { JobData, OnJob } from '../queue/job';
import { JobQueue } from '../queue/job-queue.service';
import { TicketCommands } from '../tickets/ticket-commands.service';
import { DeliveryRecord, TicketEvent } from '../tickets/ticket-events';
import { TicketQueries } from '../tickets/ticket-queries.service';
import { ChannelRegistry } from './channels/channel-registry';
import { Delivery, isFallback } from './channels/notification-channel';
import { DELIVER_NOTIFICATION } from './notification.jobs';
import { OutboxEntity } from './outbox.entity';

const SWEEP_BATCH = 500;

/** A row the relay just wrote, with what it tells (the event and ticket the relay read). */
export interface RelayedRow {
  row: OutboxEntity;
  delivery: Delivery;
  /** Once delivered: what the history should keep of it besides its facts (the history channel: the text). */
  kept?: { text?: string };
}

type Delivered = Required<RelayedRow>;

/**
 * Delivers the outbox: each row through its channel, with retries and
 * exponential backoff kept in the row, and a lease so one worker at a time
 * sends it. A channel tells one ticket's events in their order: a row waits
 * for the ticket's earlier ones through the same channel (delivered or dead). Rows for the history (the fallback channel) are delivered in
 * the relay's own transaction (`deliverFallbacks`); the others by `outbox.deliver` jobs. A sweep on this process's
 * own timer delivers whatever is due and free (a lost job, a crash, a Redis
 * that came back empty): every row is delivered, once per lease.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sweepTask: PeriodicTask;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly queue: JobQueue,
    private readonly logger: JsonLogger,
    private readonly channels: ChannelRegistry,
    private readonly queries: TicketQueries,
    private readonly commands: TicketCommands,
  ) {
    this.sweepTask = new PeriodicTask('outbox.sweep', config.outbox.sweepMs, () => this.sweep(), logger);
  }

  /** A sweep soon after boot delivers what a crash left pending. */
  onApplicationBootstrap(): void {
    this.sweepTask.start({ runNow: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweepTask.stop();
  }

  /** Right after the relay committed them: the rows it left pending go through jobs (the sweep catches any the queue refuses). */
  async dispatch(relayed: readonly RelayedRow[]): Promise<void> {
    for (const { row } of relayed) {
      await this.queue.enqueue(DELIVER_NOTIFICATION, { id: row.id }, { jobId: `outbox-${row.id}-1` }).catch((error: unknown) =>
        this.logger.event('warn', 'outbox.dispatch_failed', { id: row.id, error: String(error) }, 'OutboxService'),
      );
    }
  }

  /**
   * The relay's rows for the history (the fallback channel), delivered before
   * they are written: rendered, and marked delivered at their first attempt.
   * One whose text cannot be rendered stays pending, to be retried by a job
   * like any other. The other rows come back as they were.
   */
  async deliverFallbacks(m: EntityManager, relayed: readonly RelayedRow[]): Promise<RelayedRow[]> {
    const out: RelayedRow[] = [];
    for (const relayedRow of relayed) {
      const channel = this.channels.get(relayedRow.row.channel);
      if (!channel || !isFallback(channel)) {
        out.push(relayedRow);
        continue;
      }
      try {
        const kept = await channel.deliverWithin(m, relayedRow.delivery);
        // Delivered by being written: at the time the relay wrote it (a second clock reading could fall a millisecond later).
        out.push({ ...relayedRow, row: { ...relayedRow.row, state: 'delivered', attempts: 1, deliveredAt: relayedRow.row.createdAt }, kept });
      } catch (error) {
        const lastError = error instanceof Error ? error.message : String(error);
        this.logger.event('warn', 'outbox.retry', { id: relayedRow.row.id, event: relayedRow.row.eventType, attempts: 0, error: lastError }, 'OutboxService');
        out.push({ ...relayedRow, row: { ...relayedRow.row, lastError } });
      }
    }
    return out;
  }

  /** The history entries of rows written already delivered (by `deliverFallbacks`), in the same transaction. */
  async recordDelivered(m: EntityManager, rows: readonly RelayedRow[]): Promise<void> {
    if (rows.length) await this.recordDeliveries(m, rows.map((r) => ({ ...r, kept: r.kept ?? {} })));
  }

  @OnJob(DELIVER_NOTIFICATION)
  async deliver({ id }: JobData<typeof DELIVER_NOTIFICATION>): Promise<void> {
    const now = this.clock.now();
    // The lease makes one worker the only sender; a crashed worker's lease runs out and the sweep retries.
    // A channel tells a ticket's events in their order: a row waits while an earlier one of the ticket through the same channel is pending.
    const leased: OutboxEntity[] = await this.db.query(
      `WITH leased AS (
         UPDATE outbox o SET leased_until = $2, attempts = attempts + 1
          WHERE o.id = $1 AND o.state = 'pending' AND o.next_attempt_at <= $3 AND (o.leased_until IS NULL OR o.leased_until < $3)
            AND NOT EXISTS (
              SELECT 1 FROM outbox earlier
               WHERE earlier.ticket_id = o.ticket_id AND earlier.channel = o.channel
                 AND earlier.state = 'pending' AND earlier.event_seq < o.event_seq)
          RETURNING o.id
       ) SELECT id FROM leased`,
      [id, new Date(now.getTime() + this.config.outbox.leaseMs), now],
    );
    if (leased.length === 0) return;
    const row = await this.db.getRepository(OutboxEntity).findOneByOrFail({ id });
    const [delivery] = await this.deliveries([row]);
    const channel = this.channels.get(row.channel);
    if (!delivery || !channel) {
      await this.failed(row, `no ${channel ? 'event or ticket' : `channel "${row.channel}"`} for this notification`, true);
      return;
    }
    let kept: { text?: string } | void;
    try {
      kept = await channel.deliver(delivery);
    } catch (error) {
      await this.failed(row, error instanceof Error ? error.message : String(error));
      return;
    }
    await this.db.transaction((m) => this.delivered(m, [{ row, delivery, kept: kept ?? {} }]));
    this.logger.event('info', 'outbox.delivered', { id: row.id, event: row.eventType, address: row.address.kind, channel: row.channel, attempts: row.attempts }, 'OutboxService');
    await this.deliverNext(row);
  }

  /** The rows that waited behind this one (same ticket and channel, the next event), now free to go. */
  private async deliverNext(row: OutboxEntity): Promise<void> {
    const next: { id: string }[] = await this.db.query(
      `SELECT id FROM outbox WHERE ticket_id = $1 AND channel = $2 AND state = 'pending'
          AND event_seq = (SELECT min(event_seq) FROM outbox WHERE ticket_id = $1 AND channel = $2 AND state = 'pending' AND event_seq > $3)`,
      [row.ticketId, row.channel, row.eventSeq],
    );
    for (const { id } of next) await this.deliver({ id });
  }

  /** Pending rows whose time has come and whose lease is free: delivered from here, whatever became of their job. */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    const due: { id: string }[] = await this.db.query(
      `SELECT id FROM outbox
        WHERE state = 'pending' AND next_attempt_at <= $1 AND (leased_until IS NULL OR leased_until < $1)
        ORDER BY next_attempt_at LIMIT $2`,
      [now, SWEEP_BATCH],
    );
    for (const { id } of due) await this.deliver({ id });
  }

  deadLetters(): Promise<OutboxEntity[]> {
    return this.db.getRepository(OutboxEntity).find({ where: { state: 'dead' }, order: { createdAt: 'DESC' }, take: 200 });
  }

  /** Gives a dead notification a fresh set of attempts. */
  async retry(id: string): Promise<boolean> {
    const rows: { id: string }[] = await this.db.query(
      `WITH revived AS (
         UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $2, leased_until = NULL WHERE id = $1 AND state = 'dead' RETURNING id
       ) SELECT id FROM revived`,
      [id, this.clock.now()],
    );
    if (rows.length === 0) return false;
    await this.queue.enqueue(DELIVER_NOTIFICATION, { id }, { jobId: `outbox-${id}-retry-${this.clock.now().getTime()}` }).catch((error: unknown) =>
      this.logger.event('warn', 'outbox.dispatch_failed', { id, error: String(error) }, 'OutboxService'),
    );
    return true;
  }

  /** The events and tickets the rows tell of, in the rows' order (undefined where one is missing). */
  private async deliveries(rows: OutboxEntity[]): Promise<(Delivery | undefined)[]> {
    const events = new Map((await this.queries.events([...new Set(rows.map((r) => r.eventSeq))])).map((e) => [e.seq, e]));
    const tickets = new Map((await this.queries.byIds([...new Set(rows.map((r) => r.ticketId))])).map((t) => [t.id, t]));
    return rows.map((row) => {
      const event = events.get(row.eventSeq);
      const ticket = tickets.get(row.ticketId);
      return event && ticket ? { id: row.id, attempt: row.attempts, event, address: row.address, ticket } : undefined;
    });
  }

  /** A leased row, delivered: its attempt was counted when it was leased. */
  private async delivered(m: EntityManager, done: Delivered[]): Promise<void> {
    await m.query(
      `UPDATE outbox SET state = 'delivered', delivered_at = $2, leased_until = NULL, last_error = NULL
        WHERE id = ANY($1::uuid[]) AND state = 'pending'`,
      [done.map((d) => d.row.id), this.clock.now()],
    );
    await this.recordDeliveries(m, done);
  }

  /** On the tickets' histories, with what the channels kept (the text); an escalation the académie took is settled. */
  private async recordDeliveries(m: EntityManager, done: readonly Delivered[]): Promise<void> {
    await this.commands.recordDeliveries(m, done.map(({ row, kept }) => ({ ticketId: row.ticketId, record: { ...this.record(row), ...kept } })));
    for (const { row, delivery } of done) {
      if (settlesEscalation(row, delivery.event)) await this.commands.settleEscalation(m, row.ticketId, 'successful');
    }
  }

  private async failed(row: OutboxEntity, error: string, final = false): Promise<void> {
    const now = this.clock.now();
    const dead = final || row.attempts >= this.config.outbox.maxAttempts;
    const nextAttemptAt = new Date(now.getTime() + this.config.outbox.retryBaseMs * 2 ** (row.attempts - 1));
    const [event] = await this.queries.events([row.eventSeq]);
    await this.db.transaction(async (m) => {
      await m.update(OutboxEntity, { id: row.id }, { state: dead ? 'dead' : 'pending', nextAttemptAt, leasedUntil: null, lastError: error });
      if (!dead) return;
      await this.commands.recordDeliveries(m, [{ ticketId: row.ticketId, record: this.record(row), error }]);
      if (event && settlesEscalation(row, event)) await this.commands.settleEscalation(m, row.ticketId, 'failed');
    });
    this.logger.event(dead ? 'error' : 'warn', dead ? 'outbox.dead' : 'outbox.retry', { id: row.id, event: row.eventType, attempts: row.attempts, error }, 'OutboxService');
    if (dead) await this.deliverNext(row);
    else {
      await this.queue
        .enqueue(DELIVER_NOTIFICATION, { id: row.id }, { jobId: `outbox-${row.id}-${row.attempts + 1}`, delayMs: nextAttemptAt.getTime() - now.getTime() })
        .catch((queueError: unknown) => this.logger.event('warn', 'outbox.dispatch_failed', { id: row.id, error: String(queueError) }, 'OutboxService'));
    }
  }

  private record(row: OutboxEntity): DeliveryRecord {
    return { notification: row.id, event: row.eventSeq, address: row.address.kind, channel: row.channel, attempts: row.attempts };
  }
}

/** The académie's incident tool took (or refused for good) an escalation: the ticket's escalation status follows. */
function settlesEscalation(row: OutboxEntity, event: TicketEvent): boolean {
  return row.address.kind === 'academy' && (event.type === 'escalated' || event.type === 'forwarded');
}
