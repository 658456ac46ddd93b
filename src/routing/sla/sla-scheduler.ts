import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { JsonLogger } from '../../common/logging/json-logger';
import { JobQueue } from '../../queue/job-queue.service';
import { JOBS } from '../../queue/jobs.registry';
import { TicketEntity } from '../../tickets/ticket.entity';
import { SlaClock } from './sla-clock';

/**
 * Puts a ticket's next SLA check on the queue as a delayed job: the reminder,
 * or once it is sent (the reminder's change schedules again), the breach.
 * Job ids name the deadline, so scheduling twice is harmless and a moved
 * deadline makes the old job stale (its handler finds another deadline and does nothing).
 * A job that cannot be queued (queue down or closing) is left to the reconciler.
 */
@Injectable()
export class SlaScheduler {
  constructor(
    private readonly sla: SlaClock,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  async schedule(ticket: TicketEntity): Promise<void> {
    try {
      await this.enqueueChecks(ticket);
    } catch (error) {
      this.logger.event('warn', 'sla.schedule_failed', { ticketId: ticket.id, error: String(error) }, 'SlaScheduler');
    }
  }

  private async enqueueChecks(ticket: TicketEntity): Promise<void> {
    const deadline = this.sla.nextDeadline(ticket);
    if (!deadline) return;
    const now = this.clock.now().getTime();
    const kind = ticket.slaRemindedFor?.getTime() === deadline.dueAt.getTime() ? 'breach' : 'reminder';
    const fireAt = kind === 'reminder' ? deadline.remindAt : deadline.dueAt;
    await this.queue.enqueue(
      JOBS.checkSla,
      { ticketId: ticket.id, kind, dueAt: deadline.dueAt.toISOString() },
      { jobId: `sla-${ticket.id}-${kind}-${deadline.dueAt.getTime()}`, delayMs: Math.max(0, fireAt.getTime() - now) },
    );
  }
}
