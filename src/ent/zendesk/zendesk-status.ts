import { TicketStatus } from '../../tickets/ticket-status';

/** Zendesk's ticket statuses, as its API spells them. */
export const ZENDESK_STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted'] as const;
export type ZendeskStatus = (typeof ZENDESK_STATUSES)[number];

/**
 * What the ENT reads of a Relais ticket. The ENT turns it into its own code:
 * new, open, hold → 2 (opened); pending → 5 (waiting for the user);
 * solved → 3 (resolved); closed, deleted → 4 (closed).
 */
export const ZENDESK_STATUS_OF: Record<TicketStatus, ZendeskStatus> = {
  new: 'new',
  opened: 'open',
  waiting_for_user: 'pending',
  resolved: 'solved',
  closed: 'closed',
};

/**
 * What a status the ENT sends means for the Relais ticket as it is now. The
 * ENT only ever sends new (its ticket is new), open (opened or waiting) and
 * solved (resolved or closed): "not solved" or "solved", nothing finer.
 * - solved: resolved, unless the ticket is already resolved or closed;
 * - closed: closed;
 * - anything else means "not solved": a resolved or closed ticket reopens,
 *   any other keeps its status (new stays new until someone here takes it).
 */
export function statusFromZendesk(reported: ZendeskStatus, current: TicketStatus): TicketStatus {
  switch (reported) {
    case 'solved':
      return current === 'resolved' || current === 'closed' ? current : 'resolved';
    case 'closed':
    case 'deleted':
      return 'closed';
    case 'new':
    case 'open':
    case 'pending':
    case 'hold':
      return current === 'resolved' || current === 'closed' ? 'opened' : current;
  }
}
