import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { breachReason, slaBreached, slaReminder } from '../../notifications/messages';
import { JobData, OnJob } from '../../queue/job';
import { JobQueue } from '../../queue/job-queue.service';
import { JOBS } from '../../queue/jobs.registry';
import { SYSTEM_ACTOR } from '../../tickets/ticket-history';
import { TicketEntity } from '../../tickets/ticket.entity';
import { TicketsService } from '../../tickets/tickets.service';
import { EscalationService } from '../escalation.service';
import { Deadline, SlaClock } from './sla-clock';

type Check = 'reminder' | 'breach';

/**
 * Acts on deadlines: a reminder to the assignee group before, an escalation
 * one tier up at the breach (or a breach notice at the top of the ladder).
 * Driven by the delayed jobs SlaScheduler queues, and by a periodic
 * reconciler that catches whatever a lost job missed. Each reminder and
 * breach fires once per deadline, whoever gets there first.
 */
@Injectable()
export class SlaWatcher {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sla: SlaClock,
    private readonly tickets: TicketsService,
    private readonly escalation: EscalationService,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
  ) {}

  @OnJob(JOBS.checkSla)
  async check(data: JobData<typeof JOBS.checkSla>): Promise<void> {
    const ticket = await this.db.getRepository(TicketEntity).findOneBy({ id: data.ticketId });
    const deadline = ticket && this.sla.nextDeadline(ticket);
    // The deadline moved (answered, paused, escalated…): this job is stale.
    if (!ticket || !deadline || deadline.dueAt.toISOString() !== data.dueAt) return;
    const fireAt = data.kind === 'reminder' ? deadline.remindAt : deadline.dueAt;
    const early = fireAt.getTime() - this.clock.now().getTime();
    if (early > 0) {
      // Timers and the service clock can disagree: check again when the clock says it is time.
      await this.queue.enqueue(JOBS.checkSla, data, { jobId: `sla-${ticket.id}-${data.kind}-${data.dueAt}-${Date.now()}`, delayMs: early });
      return;
    }
    await this.fire(ticket, deadline, data.kind);
  }

  @OnJob(JOBS.reconcileSla)
  async reconcile(): Promise<void> {
    try {
      const now = this.clock.now();
      const candidates = await this.db
        .getRepository(TicketEntity)
        .createQueryBuilder('t')
        .where('t.status IN (1, 2) AND t.sla_paused_at IS NULL AND t.tier IS NOT NULL')
        .andWhere(
          `(CASE WHEN t.first_responded_at IS NULL AND t.first_response_due_at IS NOT NULL
                 THEN t.first_response_due_at ELSE t.resolution_due_at END) <= :horizon`,
          // Reminders come before the deadline: look a little ahead.
          { horizon: new Date(now.getTime() + 30 * 86_400_000) },
        )
        .orderBy('t.resolution_due_at')
        .take(1000)
        .getMany();
      for (const ticket of candidates) {
        const deadline = this.sla.nextDeadline(ticket);
        if (!deadline) continue;
        if (deadline.dueAt <= now) await this.fire(ticket, deadline, 'breach');
        else if (deadline.remindAt <= now) await this.fire(ticket, deadline, 'reminder');
      }
    } finally {
      await this.scheduleReconcile();
    }
  }

  async scheduleReconcile(): Promise<void> {
    await this.queue.enqueueNextRun(JOBS.reconcileSla, {}, this.config.routing.reconcileMs);
  }

  private async fire(ticket: TicketEntity, deadline: Deadline, check: Check): Promise<void> {
    const due = deadline.dueAt.getTime();
    if (check === 'reminder' && (ticket.slaRemindedFor?.getTime() === due || ticket.slaBreachedFor?.getTime() === due)) return;
    if (check === 'breach' && ticket.slaBreachedFor?.getTime() === due) return;
    if (check === 'breach') {
      const escalated = await this.escalation
        .escalateForBreach(ticket, breachReason(deadline.kind), async (m, locked) => {
          // Under the row lock: still the same deadline, still not handled?
          if (this.sla.nextDeadline(locked)?.dueAt.getTime() !== due || locked.slaBreachedFor?.getTime() === due) {
            throw new DomainError('TICKET_CHANGED', 'deadline already handled or moved');
          }
          locked.slaBreachedFor = deadline.dueAt;
          await this.tickets.recordEvent(m, locked, 'sla_breached', SYSTEM_ACTOR, null, { deadline: deadline.kind, dueAt: deadline.dueAt.toISOString() });
        })
        // Refused or raced (another worker escalated first): the breach notice below re-checks under the lock.
        .catch((error: unknown) => {
          if (error instanceof DomainError) return false;
          throw error;
        });
      if (escalated) return;
    }
    await this.tickets.changeTicket({ id: ticket.id }, { kind: 'back_office' }, async (m, locked, change) => {
      // Re-checked under the row lock: another worker may have fired it meanwhile.
      const current = this.sla.nextDeadline(locked);
      if (!current || current.dueAt.getTime() !== due) return;
      if (check === 'reminder') {
        if (locked.slaRemindedFor?.getTime() === due) return;
        locked.slaRemindedFor = deadline.dueAt;
        change.notify(slaReminder(locked, deadline.kind, deadline.dueAt));
        await this.tickets.recordEvent(m, locked, 'sla_reminder', SYSTEM_ACTOR, null, { deadline: deadline.kind, dueAt: deadline.dueAt.toISOString() });
      } else {
        if (locked.slaBreachedFor?.getTime() === due) return;
        locked.slaBreachedFor = deadline.dueAt;
        change.notify(slaBreached(locked, deadline.kind, deadline.dueAt));
        await this.tickets.recordEvent(m, locked, 'sla_breached', SYSTEM_ACTOR, null, { deadline: deadline.kind, dueAt: deadline.dueAt.toISOString() });
      }
    });
  }
}
