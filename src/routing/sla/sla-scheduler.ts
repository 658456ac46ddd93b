import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { JsonLogger } from '../../common/logging/json-logger';
import { JobQueue } from '../../queue/job-queue.service';
import { JOBS } from '../../queue/jobs.registry';
import { TicketEntity } from '../../tickets/ticket.entity';
import { SlaClock } from './sla-clock';

/**
 * Puts a ticket's next reminder and breach on the queue as delayed jobs. Job ids
 * name the deadline, so scheduling twice is harmless and a moved deadline makes
 * the old jobs stale (their handler finds another deadline and does nothing).
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
    const dueAt = deadline.dueAt.toISOString();
    if (ticket.slaRemindedFor?.getTime() !== deadline.dueAt.getTime()) {
      await this.queue.enqueue(
        JOBS.checkSla,
        { ticketId: ticket.id, kind: 'reminder', dueAt },
        { jobId: `sla-${ticket.id}-reminder-${deadline.dueAt.getTime()}`, delayMs: Math.max(0, deadline.remindAt.getTime() - now) },
      );
    }
    await this.queue.enqueue(
      JOBS.checkSla,
      { ticketId: ticket.id, kind: 'breach', dueAt },
      { jobId: `sla-${ticket.id}-breach-${deadline.dueAt.getTime()}`, delayMs: Math.max(0, deadline.dueAt.getTime() - now) },
    );
  }
}
