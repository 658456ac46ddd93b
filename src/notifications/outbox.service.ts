import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/logging/json-logger';
import { JobData, OnJob } from '../queue/job';
import { JobQueue } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs.registry';
import { recordTicketEvent, SYSTEM_ACTOR } from '../tickets/ticket-history';
import { ESCALATION_STATUS, escalationFromCode } from '../tickets/ticket-status';
import { EventData } from '../tickets/ticket-event.entity';
import { TicketEntity } from '../tickets/ticket.entity';
import { OutboxEntity, OutboxKind, OutboxPayload, OutboxTarget } from './outbox.entity';
import { AcademicWebhookTransport } from './transports/academic-webhook.transport';
import { EntSupportTransport } from './transports/ent-support.transport';
import { TimelineTransport } from './transports/timeline.transport';
import { NotificationTransport } from './transports/transport';

/** What choosing a transport needs to know about the ticket. */
export type NotifiedTicket = Pick<TicketEntity, 'id' | 'sourceChannel' | 'entTicketId'>;

export interface Notification {
  kind: OutboxKind;
  target: OutboxTarget;
  payload: OutboxPayload;
}

/**
 * Notifications through an outbox: rows written with the change they report
 * (same transaction), delivered afterwards by jobs with retries and backoff,
 * kept as `dead` once their attempts are spent. A periodic sweep re-enqueues
 * what a crash or a lost job left pending, so every row is delivered.
 */
@Injectable()
export class OutboxService {
  private readonly timeline = new TimelineTransport();
  private readonly webhook: AcademicWebhookTransport | null;
  private readonly ent: EntSupportTransport | null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly queue: JobQueue,
    private readonly logger: JsonLogger,
  ) {
    this.webhook = config.academicWebhook ? new AcademicWebhookTransport(config.academicWebhook, db, clock) : null;
    this.ent = config.ent ? new EntSupportTransport(config.ent) : null;
  }

  /**
   * A row ready to insert with the change (by `add`, or inside the ticket
   * creation statement). A notification kept on the ticket's history is
   * delivered by being written; the others wait for their job. Escalations to
   * the académie always take the job: their delivery settles the escalation.
   */
  row(ticket: NotifiedTicket, notification: Notification): OutboxEntity {
    const now = this.clock.now();
    const transport = this.transportFor(notification.target, ticket);
    const local = transport === this.timeline && notification.kind !== 'ticket_escalated';
    return {
      id: randomUUID(),
      ticketId: ticket.id,
      ...notification,
      state: local ? 'delivered' : 'pending',
      attempts: local ? 1 : 0,
      nextAttemptAt: now,
      leasedUntil: null,
      lastError: null,
      transport: local ? transport.name : null,
      createdAt: now,
      deliveredAt: local ? now : null,
    };
  }

  /** What the history says about a delivered row; a timeline delivery carries the text, being the delivery itself. */
  deliveryRecord(row: OutboxEntity, transport: string): EventData {
    return {
      notification: row.id, kind: row.kind, target: row.target, transport, attempts: row.attempts,
      ...(transport === this.timeline.name ? { text: row.payload.text } : {}),
    };
  }

  /** Writes the change's notifications; returns the ids still to deliver. */
  async add(m: EntityManager, ticket: NotifiedTicket, notifications: Notification[]): Promise<string[]> {
    const rows = notifications.map((n) => this.row(ticket, n));
    if (!rows.length) return [];
    await m.insert(OutboxEntity, rows);
    const now = this.clock.now();
    for (const row of rows.filter((r) => r.state === 'delivered')) {
      await recordTicketEvent(m, ticket.id, 'notification_delivered', SYSTEM_ACTOR, null, this.deliveryRecord(row, row.transport!), now);
    }
    return rows.filter((r) => r.state === 'pending').map((r) => r.id);
  }

  /** After the commit: deliver now. If this is lost (crash), the sweep finds the rows. */
  async dispatch(ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.queue.enqueue(JOBS.deliverNotification, { id }, { jobId: `outbox-${id}-1` }).catch((error: unknown) =>
        this.logger.event('warn', 'outbox.dispatch_failed', { id, error: String(error) }, 'OutboxService'),
      );
    }
  }

  @OnJob(JOBS.deliverNotification)
  async deliver({ id }: JobData<typeof JOBS.deliverNotification>): Promise<void> {
    const now = this.clock.now();
    // The lease makes one worker the only sender; a crashed worker's lease runs out and the sweep retries.
    const leased: OutboxEntity[] = await this.db.getRepository(OutboxEntity).query(
      `UPDATE outbox SET leased_until = $2, attempts = attempts + 1
        WHERE id = $1 AND state = 'pending' AND next_attempt_at <= $3 AND (leased_until IS NULL OR leased_until < $3)
        RETURNING id`,
      [id, new Date(now.getTime() + this.config.outbox.leaseMs), now],
    );
    if (this.rowsOf(leased).length === 0) return;
    const row = await this.db.getRepository(OutboxEntity).findOneByOrFail({ id });
    const ticket = await this.db.getRepository(TicketEntity).findOneByOrFail({ id: row.ticketId });
    const transport = this.transportFor(row.target, ticket);
    try {
      await transport.deliver(row, ticket);
    } catch (error) {
      await this.failed(row, transport, error instanceof Error ? error.message : String(error));
      return;
    }
    await this.delivered(row, transport);
  }

  /** Pending rows whose time has come and whose lease is free: enqueue them again. */
  @OnJob(JOBS.sweepOutbox)
  async sweep(): Promise<void> {
    try {
      const now = this.clock.now();
      const due: { id: string; attempts: number }[] = await this.db.query(
        `SELECT id, attempts FROM outbox
          WHERE state = 'pending' AND next_attempt_at <= $1 AND (leased_until IS NULL OR leased_until < $1)
          ORDER BY next_attempt_at LIMIT 500`,
        [now],
      );
      for (const { id, attempts } of due) {
        await this.queue.enqueue(JOBS.deliverNotification, { id }, { jobId: `outbox-${id}-${attempts + 1}-sweep-${now.getTime()}` });
      }
    } finally {
      await this.scheduleSweep();
    }
  }

  async scheduleSweep(): Promise<void> {
    await this.queue.enqueueNextRun(JOBS.sweepOutbox, {}, this.config.outbox.sweepMs);
  }

  deadLetters(): Promise<OutboxEntity[]> {
    return this.db.getRepository(OutboxEntity).find({ where: { state: 'dead' }, order: { createdAt: 'DESC' }, take: 200 });
  }

  /** Gives a dead notification a fresh set of attempts. */
  async retry(id: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $2, leased_until = NULL WHERE id = $1 AND state = 'dead' RETURNING id`,
      [id, this.clock.now()],
    );
    if (this.rowsOf(rows).length === 0) return false;
    await this.queue.enqueue(JOBS.deliverNotification, { id }, { jobId: `outbox-${id}-retry-${Date.now()}` });
    return true;
  }

  private transportFor(target: OutboxTarget, ticket: NotifiedTicket): NotificationTransport {
    if (target === 'academic_support') return this.webhook ?? this.timeline;
    if (target === 'requester' && ticket.sourceChannel === 'ent' && ticket.entTicketId) return this.ent ?? this.timeline;
    // Chat adapters will deliver to groups and chat requesters; until they are connected, the history keeps it.
    return this.timeline;
  }

  private async delivered(row: OutboxEntity, transport: NotificationTransport): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      await m.update(OutboxEntity, { id: row.id }, { state: 'delivered', deliveredAt: now, leasedUntil: null, transport: transport.name, lastError: null });
      await recordTicketEvent(m, row.ticketId, 'notification_delivered', SYSTEM_ACTOR, null, this.deliveryRecord(row, transport.name), now);
      if (row.kind === 'ticket_escalated' && row.target === 'academic_support') {
        await this.settleEscalation(m, row.ticketId, ESCALATION_STATUS.successful, now);
      }
    });
    this.logger.event('info', 'outbox.delivered', { id: row.id, kind: row.kind, target: row.target, transport: transport.name, attempts: row.attempts }, 'OutboxService');
  }

  private async failed(row: OutboxEntity, transport: NotificationTransport, error: string): Promise<void> {
    const now = this.clock.now();
    const dead = row.attempts >= this.config.outbox.maxAttempts;
    const nextAttemptAt = new Date(now.getTime() + this.config.outbox.retryBaseMs * 2 ** (row.attempts - 1));
    await this.db.transaction(async (m) => {
      await m.update(OutboxEntity, { id: row.id }, { state: dead ? 'dead' : 'pending', nextAttemptAt, leasedUntil: null, lastError: error, transport: transport.name });
      if (!dead) return;
      await recordTicketEvent(m, row.ticketId, 'notification_failed', SYSTEM_ACTOR, null, {
        notification: row.id, kind: row.kind, target: row.target, transport: transport.name, attempts: row.attempts, error,
      }, now);
      if (row.kind === 'ticket_escalated' && row.target === 'academic_support') {
        await this.settleEscalation(m, row.ticketId, ESCALATION_STATUS.failed, now);
      }
    });
    this.logger.event(dead ? 'error' : 'warn', dead ? 'outbox.dead' : 'outbox.retry', { id: row.id, kind: row.kind, attempts: row.attempts, error }, 'OutboxService');
    if (!dead) {
      await this.queue.enqueue(JOBS.deliverNotification, { id: row.id }, { jobId: `outbox-${row.id}-${row.attempts + 1}`, delayMs: nextAttemptAt.getTime() - now.getTime() });
    }
  }

  /** The ENT's escalation status follows the incident tool's answer. */
  private async settleEscalation(m: EntityManager, ticketId: string, code: number, now: Date): Promise<void> {
    const ticket = await m.findOne(TicketEntity, { where: { id: ticketId }, lock: { mode: 'pessimistic_write' } });
    // A success also settles an escalation that had failed, once a dead notification is retried.
    const settles = ticket?.escalationStatus === ESCALATION_STATUS.in_progress || (ticket?.escalationStatus === ESCALATION_STATUS.failed && code === ESCALATION_STATUS.successful);
    if (!ticket || !settles) return;
    await m.update(TicketEntity, { id: ticketId }, { escalationStatus: code, updatedAt: now, version: ticket.version + 1 });
    await recordTicketEvent(m, ticketId, 'escalated', SYSTEM_ACTOR,
      { escalationStatus: escalationFromCode(ticket.escalationStatus) }, { escalationStatus: escalationFromCode(code) }, now);
  }

  /** `query` on UPDATE … RETURNING answers [rows, count] on PostgreSQL and rows on some drivers. */
  private rowsOf(result: unknown): unknown[] {
    if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0];
    return Array.isArray(result) ? result : [];
  }
}
