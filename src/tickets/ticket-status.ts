/**
 * Ticket status and escalation status, one-to-one with the ENT support
 * module's codes, and the rules that move a ticket between them.
 * Pure functions: the service applies them, unit tests pin them.
 */
export const TICKET_STATUS = { new: 1, opened: 2, resolved: 3, closed: 4, waiting_for_user: 5 } as const;
export type TicketStatus = keyof typeof TICKET_STATUS;
export type TicketStatusCode = (typeof TICKET_STATUS)[TicketStatus];

export const ESCALATION_STATUS = { not_done: 1, in_progress: 2, successful: 3, failed: 4 } as const;
export type EscalationStatus = keyof typeof ESCALATION_STATUS;
export type EscalationStatusCode = (typeof ESCALATION_STATUS)[EscalationStatus];

export const TICKET_STATUSES = Object.keys(TICKET_STATUS) as TicketStatus[];

export function statusFromCode(code: number): TicketStatus {
  const found = TICKET_STATUSES.find((s) => TICKET_STATUS[s] === code);
  if (!found) throw new RangeError(`unknown ticket status code ${code}`);
  return found;
}

export function escalationFromCode(code: number): EscalationStatus {
  const found = (Object.keys(ESCALATION_STATUS) as EscalationStatus[]).find((s) => ESCALATION_STATUS[s] === code);
  if (!found) throw new RangeError(`unknown escalation status code ${code}`);
  return found;
}

export const TRANSITIONS = ['claim', 'wait_for_user', 'resolve', 'close', 'reopen'] as const;
export type Transition = (typeof TRANSITIONS)[number];

/** Where each explicit transition may start from, and where it leads. */
const TRANSITION_RULES: Record<Transition, { from: readonly TicketStatus[]; to: TicketStatus }> = {
  claim: { from: ['new', 'opened', 'waiting_for_user'], to: 'opened' },
  wait_for_user: { from: ['new', 'opened'], to: 'waiting_for_user' },
  resolve: { from: ['new', 'opened', 'waiting_for_user'], to: 'resolved' },
  close: { from: ['new', 'opened', 'waiting_for_user', 'resolved'], to: 'closed' },
  reopen: { from: ['resolved', 'closed'], to: 'opened' },
};

/** Transitions the requester may make on their own ticket; the rest is for staff. */
export const REQUESTER_TRANSITIONS: readonly Transition[] = ['close', 'reopen'];

export type TransitionOutcome =
  | { ok: true; to: TicketStatus }
  | { ok: false; allowedFrom: readonly TicketStatus[] };

export function applyTransition(current: TicketStatus, transition: Transition): TransitionOutcome {
  const rule = TRANSITION_RULES[transition];
  return rule.from.includes(current) ? { ok: true, to: rule.to } : { ok: false, allowedFrom: rule.from };
}

/**
 * The ENT's implicit rules on a new public comment: a comment on a resolved or
 * closed ticket reopens it; a comment by someone other than the requester on a
 * new ticket opens it; the requester answering while we wait for them hands the
 * ticket back to staff. Internal notes never move the status.
 */
export function statusAfterComment(
  current: TicketStatus,
  comment: { byRequester: boolean; internal: boolean },
): TicketStatus {
  if (comment.internal) return current;
  if (current === 'resolved' || current === 'closed') return 'opened';
  if (current === 'new' && !comment.byRequester) return 'opened';
  if (current === 'waiting_for_user' && comment.byRequester) return 'opened';
  return current;
}

/**
 * As in the ENT, only a new or opened ticket may be escalated, and not while an
 * escalation is in progress (being handed to the incident tool). Unlike the
 * ENT's single hand-off, Relais climbs several tiers: a successful escalation
 * may be followed by another one, one tier higher.
 */
export function canEscalate(status: TicketStatus, escalation: EscalationStatus): boolean {
  return (status === 'new' || status === 'opened') && escalation !== 'in_progress';
}

/** SLA deadlines run for tickets someone must act on: new or opened (they stand still while waiting for the user). */
export function deadlinesRun(status: TicketStatus): boolean {
  return status === 'new' || status === 'opened';
}
