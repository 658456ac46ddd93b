import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/logging/json-logger';
import { PeriodicTask } from '../common/periodic-task';
import { Placement, RoutingService } from '../routing/routing.service';
import { SlaClock } from '../routing/sla/sla-clock';
import { SYSTEM_ACTOR } from './ticket-events';
import { TicketQueries } from './ticket-queries.service';
import { canEscalate, deadlinesRun, escalationFromCode, statusFromCode } from './ticket-status';
import { TicketWriter } from './ticket-writer';
import { TicketEntity } from './ticket.entity';

const BATCH = 100;

/**
 * Acts on deadlines: a reminder to the group before, and at the breach an
 * escalation one tier up (or a breach notice at the top of the ladder). Each
 * ticket says when it must next be looked at (`next_sla_check_at`, kept by the
 * writer at every change); every few seconds the watcher claims the due ones
 * (`FOR UPDATE SKIP LOCKED`: replicas share the work, none does it twice) and
 * re-checks each under its row lock, so each reminder and breach fires once.
 */
@Injectable()
export class SlaWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;
  /** A claimed check not done by then (a crashed watcher) is free for another. */
  private readonly claimMs: number;
  /** Checks handled at once: one after the other, a watcher fell behind a stream of tickets and reached reminders only after their deadline. */
  private readonly concurrency: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly writer: TicketWriter,
    private readonly queries: TicketQueries,
    private readonly routing: RoutingService,
    private readonly sla: SlaClock,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {
    this.task = new PeriodicTask('sla.sweep', config.routing.slaSweepMs, () => this.sweep(), logger);
    this.claimMs = config.routing.slaClaimMs;
    // The embedded database is a single session: checks would only queue behind each other.
    this.concurrency = config.database.kind === 'postgres' ? config.routing.slaSweepConcurrency : 1;
  }

  onApplicationBootstrap(): void {
    this.task.start({ runNow: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  async sweep(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const ids = await this.writer.claimDueSlaChecks(now, new Date(now.getTime() + this.claimMs), BATCH);
      // Each check locks only its own ticket: a few workers share the claimed batch.
      const queue = [...ids];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          await this.check(id).catch((error: unknown) =>
            this.logger.event('error', 'sla.check_failed', { ticketId: id, error: error instanceof Error ? error.message : String(error) }, 'SlaWatcher'),
          );
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, ids.length) }, worker));
      if (ids.length < BATCH) return;
    }
  }

  private async check(id: string): Promise<void> {
    const [seen] = await this.queries.byIds([id]);
    if (!seen) return;
    // Where a breach would send it, worked out before the transaction; the ticket must still be in the same tier then.
    const placement = await this.escalationPlacement(seen);
    await this.writer.change({ id }, (c) => {
      // Re-checked under the row lock: answered, paused, moved or already fired meanwhile?
      const due = this.dueCheck(c.ticket);
      if (!due) return;
      c.markSla(due.check, due.deadline, SYSTEM_ACTOR);
      if (due.check === 'breach' && placement && c.ticket.tier === seen.tier && this.escalable(c.ticket)) {
        c.moveTo(placement, 'escalated', SYSTEM_ACTOR, { reason: null, breachOf: due.deadline.kind });
      }
    });
  }

  private dueCheck(ticket: TicketEntity) {
    return deadlinesRun(statusFromCode(ticket.status)) ? this.sla.dueCheck(ticket, this.clock.now()) : null;
  }

  private async escalationPlacement(ticket: TicketEntity): Promise<Placement | null> {
    if (this.dueCheck(ticket)?.check !== 'breach' || !this.escalable(ticket)) return null;
    const next = this.routing.tierRule(ticket.tier ?? '').escalatesTo;
    return next ? this.routing.placeIn(next, ticket.schoolStructureId) : null;
  }

  private escalable(ticket: TicketEntity): boolean {
    return canEscalate(statusFromCode(ticket.status), escalationFromCode(ticket.escalationStatus));
  }
}
