import { TICKET_STATUSES } from '../../tickets/ticket-status';
import { statusFromZendesk, ZENDESK_STATUS_OF } from './zendesk-status';

describe('Zendesk statuses', () => {
  it('shows every Relais status as the Zendesk one the ENT maps to its own code', () => {
    expect(ZENDESK_STATUS_OF).toEqual({ new: 'new', opened: 'open', waiting_for_user: 'pending', resolved: 'solved', closed: 'closed' });
  });

  it.each([
    ['solved', 'new', 'resolved'],
    ['solved', 'opened', 'resolved'],
    ['solved', 'waiting_for_user', 'resolved'],
    ['solved', 'resolved', 'resolved'],
    ['solved', 'closed', 'closed'],
    ['open', 'resolved', 'opened'],
    ['open', 'closed', 'opened'],
    ['open', 'new', 'new'],
    ['open', 'opened', 'opened'],
    ['open', 'waiting_for_user', 'waiting_for_user'],
    ['new', 'opened', 'opened'],
    ['new', 'resolved', 'opened'],
    ['closed', 'opened', 'closed'],
  ] as const)('reads %s from the ENT on a %s ticket as %s', (reported, current, expected) => {
    expect(statusFromZendesk(reported, current)).toBe(expected);
  });

  it('never reopens a ticket the ENT calls solved, nor solves one it calls open', () => {
    for (const current of TICKET_STATUSES) {
      expect(['resolved', 'closed']).toContain(statusFromZendesk('solved', current));
      expect(['resolved', 'closed']).not.toContain(statusFromZendesk('open', current));
    }
  });
});
