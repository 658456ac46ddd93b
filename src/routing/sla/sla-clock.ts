import { Injectable } from '@nestjs/common';
import { TicketEntity } from '../../tickets/ticket.entity';
import { Priority } from '../routing-rules';
import { TICKET_STATUS } from '../../tickets/ticket-status';
import { RoutingService } from '../routing.service';
import { WorkingCalendar } from './working-calendar';

export type DeadlineKind = 'first_response' | 'resolution';

export interface Deadline {
  kind: DeadlineKind;
  dueAt: Date;
  /** When the reminder for this deadline goes out. */
  remindAt: Date;
}

type SlaFields = Pick<TicketEntity, 'firstResponseDueAt' | 'resolutionDueAt' | 'slaPausedAt'>;

/**
 * SLA arithmetic in school working hours: due dates for a tier and priority,
 * the clock standing still while waiting for the user, the next deadline to watch.
 * Pure computation over the routing rules; the watcher acts on it.
 */
@Injectable()
export class SlaClock {
  readonly calendar: WorkingCalendar;

  constructor(private readonly routing: RoutingService) {
    const { workingHours, holidays } = routing.rules.sla;
    this.calendar = new WorkingCalendar({ ...workingHours, holidays });
  }

  /** Due dates for a ticket entering a tier now; none for a tier without a queue. */
  deadlines(tier: string, priority: Priority, from: Date): Pick<SlaFields, 'firstResponseDueAt' | 'resolutionDueAt'> {
    const policy = this.routing.rules.sla.policies[tier]?.[priority];
    if (!policy || this.routing.tierRule(tier).queue === 'none') return { firstResponseDueAt: null, resolutionDueAt: null };
    return {
      firstResponseDueAt: this.calendar.addWorkingTime(from, policy.firstResponse),
      resolutionDueAt: this.calendar.addWorkingTime(from, policy.resolution),
    };
  }

  /** Stops the clock (waiting for the user). */
  pause(ticket: SlaFields, now: Date): void {
    ticket.slaPausedAt ??= now;
  }

  /** Restarts the clock: each deadline keeps the working time it had left when paused. */
  resume(ticket: SlaFields, now: Date): void {
    const pausedAt = ticket.slaPausedAt;
    if (!pausedAt) return;
    const shift = (due: Date | null) => (due ? this.calendar.addWorkingTime(now, this.calendar.workingTimeBetween(pausedAt, due)) : null);
    ticket.firstResponseDueAt = shift(ticket.firstResponseDueAt);
    ticket.resolutionDueAt = shift(ticket.resolutionDueAt);
    ticket.slaPausedAt = null;
  }

  /** The deadline to watch: first response until someone answered, then resolution; none unless new or opened. */
  nextDeadline(ticket: TicketEntity): Deadline | null {
    if (ticket.status !== TICKET_STATUS.new && ticket.status !== TICKET_STATUS.opened) return null;
    if (ticket.slaPausedAt || !ticket.tier) return null;
    const policy = this.routing.rules.sla.policies[ticket.tier]?.[ticket.priority];
    if (!policy) return null;
    const [kind, dueAt, span] = !ticket.firstRespondedAt && ticket.firstResponseDueAt
      ? (['first_response', ticket.firstResponseDueAt, policy.firstResponse] as const)
      : (['resolution', ticket.resolutionDueAt, policy.resolution] as const);
    if (!dueAt) return null;
    return { kind, dueAt, remindAt: this.before(dueAt, span * (1 - this.routing.rules.sla.remindAt)) };
  }

  /** The instant `ms` of working time before `due` (working time is monotonic: a bisection finds it). */
  private before(due: Date, ms: number): Date {
    let low = due.getTime() - ms - 120 * 86_400_000;
    let high = due.getTime();
    while (high - low > 1_000) {
      const mid = Math.floor((low + high) / 2);
      if (this.calendar.workingTimeBetween(new Date(mid), due) > ms) low = mid;
      else high = mid;
    }
    return new Date(high);
  }
}
