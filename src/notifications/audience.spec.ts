import { loadRoutingRules } from '../routing/routing-rules';
import { Actor, NewTicketEvent, SYSTEM_ACTOR, TicketEvent } from '../tickets/ticket-events';
import { TicketEntity } from '../tickets/ticket.entity';
import { Address, audienceOf } from './audience';

const rules = loadRoutingRules();
const REQUESTER: Actor = { kind: 'user', id: 'pupil-1', name: 'Léa' };
const STAFF: Actor = { kind: 'user', id: 'director-1', name: 'Claire' };
const ENT: Actor = { kind: 'integration', id: 'ent', name: 'ENT Assistance' };

function ticket(overrides: Partial<TicketEntity> = {}): TicketEntity {
  return { requesterEntId: 'pupil-1', sourceChannel: 'web', entTicketId: null, requesterConversation: 'conv-9', tier: 'school_admin', ...overrides } as TicketEntity;
}
const event = (e: NewTicketEvent): TicketEvent => ({ ...e, seq: 1, ticketId: 't', at: new Date() }) as TicketEvent;
const kinds = (addresses: Address[]) => addresses.map((a) => a.kind);

const GROUP: Address = { kind: 'group', tier: 'school_admin' };
const ASKER: Address = { kind: 'requester', entUserId: 'pupil-1', channel: 'web', conversation: 'conv-9' };

describe('who hears of an event', () => {
  const created = (tier: string) => event({ type: 'created', actor: REQUESTER, before: null, after: { status: 'new', channel: 'web', subject: 's', intent: null, tier } });

  it('tells the group and the requester of a new ticket, the requester in the conversation they asked from', () => {
    expect(audienceOf(created('school_admin'), ticket(), rules)).toEqual([GROUP, ASKER]);
  });
  it('tells only the group of a ticket from the ENT, which shows its own tickets to their authors', () => {
    expect(audienceOf(created('school_admin'), ticket({ sourceChannel: 'ent', entTicketId: 'e1' }), rules)).toEqual([GROUP]);
  });
  it('pushes nothing back to an ENT that pulls its tickets (its Zendesk connector), but still tells the group', () => {
    const pulled = ticket({ sourceChannel: 'ent', entTicketId: 'e1', sourcePulls: true });
    expect(audienceOf(message(STAFF, {}), pulled, rules)).toEqual([]);
    expect(audienceOf(status(STAFF, 'opened', 'resolved'), pulled, rules)).toEqual([]);
    expect(audienceOf(message(REQUESTER, { byRequester: true, channel: 'ent' }), pulled, rules)).toEqual([GROUP]);
  });
  it('sends a redirected request back to the requester only (through the ENT for its tickets)', () => {
    expect(audienceOf(created('educonnect_national'), ticket(), rules)).toEqual([ASKER]);
    expect(audienceOf(created('educonnect_national'), ticket({ sourceChannel: 'ent', entTicketId: 'e1' }), rules)).toEqual([{ kind: 'ent', entTicketId: 'e1' }]);
  });

  const message = (actor: Actor, after: Partial<Extract<NewTicketEvent, { type: 'message_added' }>['after']>) =>
    event({ type: 'message_added', actor, before: null, after: { messageId: 'm', visibility: 'public', channel: 'api', byRequester: false, tier: 'school_admin', ...after } });
  it("tells the group of the requester's message, and the requester of staff's", () => {
    expect(audienceOf(message(REQUESTER, { byRequester: true }), ticket(), rules)).toEqual([GROUP]);
    expect(audienceOf(message(STAFF, {}), ticket(), rules)).toEqual([ASKER]);
  });
  it('never tells the requester of an internal note, nor the ENT of a comment written in the ENT', () => {
    expect(audienceOf(message(STAFF, { visibility: 'internal' }), ticket(), rules)).toEqual([]);
    expect(audienceOf(message(ENT, { channel: 'ent' }), ticket({ sourceChannel: 'ent', entTicketId: 'e1' }), rules)).toEqual([]);
  });

  const status = (actor: Actor, from: 'new' | 'opened' | 'waiting_for_user', to: 'opened' | 'resolved' | 'waiting_for_user' | 'closed') =>
    event({ type: 'status_changed', actor, before: { status: from }, after: { status: to, tier: 'school_admin' } });
  it('tells the requester what staff did with their ticket, but not that someone started on it', () => {
    expect(audienceOf(status(STAFF, 'opened', 'resolved'), ticket(), rules)).toEqual([ASKER]);
    expect(audienceOf(status(STAFF, 'opened', 'waiting_for_user'), ticket(), rules)).toEqual([ASKER]);
    expect(audienceOf(status(STAFF, 'new', 'opened'), ticket(), rules)).toEqual([]);
  });
  it('tells nobody of the requester closing their own ticket', () => {
    expect(audienceOf(status(REQUESTER, 'opened', 'closed'), ticket(), rules)).toEqual([]);
  });
  it('tells the group, not the ENT, of a status the ENT set', () => {
    expect(audienceOf(status(ENT, 'opened', 'waiting_for_user'), ticket({ sourceChannel: 'ent', entTicketId: 'e1' }), rules)).toEqual([GROUP]);
  });

  it('tells the new group and the requester of an escalation, and the académie when it reaches its tier', () => {
    const moved = (tier: string) =>
      event({
        type: 'escalated',
        actor: SYSTEM_ACTOR,
        before: { tier: 'school_admin', queue: 'school', assignee: null, escalationStatus: 'not_done' },
        after: { tier, queue: rules.tiers[tier].queue, reason: null, breachOf: 'first_response', escalationStatus: 'successful' },
      });
    expect(audienceOf(moved('erun'), ticket(), rules)).toEqual([{ kind: 'group', tier: 'erun' }, ASKER]);
    expect(kinds(audienceOf(moved('academic_support'), ticket(), rules))).toEqual(['group', 'requester', 'academy']);
  });

  it('tells the group of its deadlines, and nobody of assignments or delivery records', () => {
    expect(audienceOf(event({ type: 'sla_reminder', actor: SYSTEM_ACTOR, before: null, after: { deadline: 'resolution', dueAt: '2026-01-01T00:00:00Z', tier: 'erun' } }), ticket(), rules)).toEqual([
      { kind: 'group', tier: 'erun' },
    ]);
    expect(audienceOf(event({ type: 'assigned', actor: STAFF, before: { assignee: null }, after: { assignee: 'director-1', assigneeName: 'Claire' } }), ticket(), rules)).toEqual([]);
    expect(
      audienceOf(event({ type: 'notification_delivered', actor: SYSTEM_ACTOR, before: null, after: { notification: 'n', event: 1, address: 'group', channel: 'history', attempts: 1 } }), ticket(), rules),
    ).toEqual([]);
  });
});
