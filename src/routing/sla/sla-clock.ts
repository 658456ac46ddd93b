import { Inject, Injectable } from '@nestjs/common';
import { Priority, ROUTING_RULES, RoutingRules } from '../routing-rules';
import { WorkingCalendar } from './working-calendar';

export type DeadlineKind = 'first_response' | 'resolution';

export interface Deadline {
  kind: DeadlineKind;
  dueAt: Date;
  /** When the reminder for this deadline goes out. */
  remindAt: Date;
}

/** The SLA state of a ticket, as the clock reads and moves it. */
export interface SlaTimes {
  tier: string | null;
  priority: Priority;
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  firstRespondedAt: Date | null;
  /** Set while waiting for the user: the clock stands still. */
  slaPausedAt: Date | null;
  /** The deadline a reminder was sent for, and the one whose breach was handled: each fires once per deadline. */
  slaRemindedFor: Date | null;
  slaBreachedFor: Date | null;
}

/** What is due at a check: the reminder before a deadline, or its breach. */
export type SlaCheck = { check: 'reminder' | 'breach'; deadline: Deadline };

/**
 * SLA arithmetic in school working hours: due dates for a tier and priority,
 * the clock standing still while waiting for the user, the next deadline to
 * watch and when to look at it. Pure computation over the routing rules; the
 * tickets module acts on it. Only tickets that are new or opened are watched:
 * the caller says so.
 */
@Injectable()
export class SlaClock {
  readonly calendar: WorkingCalendar;

  constructor(@Inject(ROUTING_RULES) private readonly rules: RoutingRules) {
    const { workingHours, holidays } = rules.sla;
    this.calendar = new WorkingCalendar({ ...workingHours, holidays });
  }

  /** Due dates for a ticket entering a tier now; none for a tier without a queue. */
  deadlines(tier: string, priority: Priority, from: Date): Pick<SlaTimes, 'firstResponseDueAt' | 'resolutionDueAt'> {
    const policy = this.rules.sla.policies[tier]?.[priority];
    if (!policy || this.rules.tiers[tier]?.queue === 'none') return { firstResponseDueAt: null, resolutionDueAt: null };
    return {
      firstResponseDueAt: this.calendar.addWorkingTime(from, policy.firstResponse),
      resolutionDueAt: this.calendar.addWorkingTime(from, policy.resolution),
    };
  }

  /** Stops the clock (waiting for the user). */
  pause(ticket: SlaTimes, now: Date): void {
    ticket.slaPausedAt ??= now;
  }

  /** Restarts the clock: each deadline keeps the working time it had left when paused. */
  resume(ticket: SlaTimes, now: Date): void {
    const pausedAt = ticket.slaPausedAt;
    if (!pausedAt) return;
    const shift = (due: Date | null) => (due ? this.calendar.addWorkingTime(now, this.calendar.workingTimeBetween(pausedAt, due)) : null);
    ticket.firstResponseDueAt = shift(ticket.firstResponseDueAt);
    ticket.resolutionDueAt = shift(ticket.resolutionDueAt);
    ticket.slaPausedAt = null;
  }

  /** The deadline to watch: first response until someone answered, then resolution; none while paused. */
  nextDeadline(ticket: SlaTimes): Deadline | null {
    if (ticket.slaPausedAt || !ticket.tier) return null;
    const policy = this.rules.sla.policies[ticket.tier]?.[ticket.priority];
    if (!policy) return null;
    const [kind, dueAt, span] = !ticket.firstRespondedAt && ticket.firstResponseDueAt
      ? (['first_response', ticket.firstResponseDueAt, policy.firstResponse] as const)
      : (['resolution', ticket.resolutionDueAt, policy.resolution] as const);
    if (!dueAt) return null;
    return { kind, dueAt, remindAt: this.before(dueAt, span * (1 - this.rules.sla.remindAt)) };
  }

  /** What is due now for this deadline, if anything: the breach once past it, else the reminder once past its time; each once. */
  dueCheck(ticket: SlaTimes, now: Date): SlaCheck | null {
    const deadline = this.nextDeadline(ticket);
    if (!deadline) return null;
    const due = deadline.dueAt.getTime();
    if (ticket.slaBreachedFor?.getTime() === due) return null;
    if (due <= now.getTime()) return { check: 'breach', deadline };
    if (deadline.remindAt <= now && ticket.slaRemindedFor?.getTime() !== due) return { check: 'reminder', deadline };
    return null;
  }

  /** When the watcher must look at the ticket next: its reminder time, or once reminded its deadline; null when nothing is left to fire. */
  nextCheckAt(ticket: SlaTimes): Date | null {
    const deadline = this.nextDeadline(ticket);
    if (!deadline) return null;
    const due = deadline.dueAt.getTime();
    if (ticket.slaBreachedFor?.getTime() === due) return null;
    return ticket.slaRemindedFor?.getTime() === due ? deadline.dueAt : deadline.remindAt;
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
