import { RoutingRules } from '../routing/routing-rules';
import { TicketEvent } from '../tickets/ticket-events';
import { TicketEntity } from '../tickets/ticket.entity';
import { SourceChannel } from '../tickets/ticket.entity';

/**
 * Who must hear of an event, as an address a channel can reach:
 * - `group`: the people handling the ticket in a tier (a school's admins, an ERUN…);
 * - `requester`: the person who asked, in the channel and conversation they asked from;
 * - `academy`: the académie's incident tool;
 * - `ent`: the ENT's support module, for the tickets that came from it (it tells their authors itself).
 */
export type Address =
  | { kind: 'group'; tier: string }
  | { kind: 'requester'; entUserId: string; channel: SourceChannel; conversation: string | null }
  | { kind: 'academy' }
  | { kind: 'ent'; entTicketId: string };

export type AddressKind = Address['kind'];

/**
 * The requester, reached where they asked: the ENT reports to the authors of
 * its own tickets; an ENT that pulls its tickets' changes (its Zendesk
 * connector) reads them itself, so nothing is sent.
 */
function requester(ticket: TicketEntity): Address[] {
  if (ticket.sourceChannel === 'ent' && ticket.entTicketId) return ticket.sourcePulls ? [] : [{ kind: 'ent', entTicketId: ticket.entTicketId }];
  return [{ kind: 'requester', entUserId: ticket.requesterEntId, channel: ticket.sourceChannel, conversation: ticket.requesterConversation }];
}

const group = (tier: string | null): Address[] => (tier ? [{ kind: 'group', tier }] : []);

/**
 * Who hears of each event. Nobody is told of their own change, a source
 * system (the ENT) is never told back what it said itself, and the
 * requester hears what staff do (answers, status), not internal notes or
 * "someone started working on it".
 */
export function audienceOf(event: TicketEvent, ticket: TicketEntity, rules: RoutingRules): Address[] {
  const byRequester = event.actor.kind === 'user' && event.actor.id === ticket.requesterEntId;
  switch (event.type) {
    case 'created': {
      const tier = event.after.tier;
      if (tier && rules.tiers[tier]?.redirect) return requester(ticket);
      // The ENT already shows its own tickets to their authors.
      return ticket.sourceChannel === 'ent' ? group(tier) : [...group(tier), ...requester(ticket)];
    }
    case 'message_added': {
      if (event.after.visibility === 'internal') return [];
      if (event.after.byRequester) return group(event.after.tier);
      // A comment written in the ENT is already there for its author.
      return event.after.channel === 'ent' ? [] : requester(ticket);
    }
    case 'status_changed': {
      if (byRequester) return [];
      // A change made in the source system: the requester sees it there, the group must hear of it here.
      if (event.actor.kind === 'integration') return group(event.after.tier);
      const { status: from } = event.before;
      const { status: to } = event.after;
      // "new → opened" is someone starting work: nothing the requester must hear; "new" is never reached by hand.
      if (to === 'new' || (from === 'new' && to === 'opened')) return [];
      return requester(ticket);
    }
    case 'escalated':
    case 'forwarded': {
      const academy: Address[] = rules.tiers[event.after.tier]?.queue === 'academy' ? [{ kind: 'academy' }] : [];
      return [...group(event.after.tier), ...requester(ticket), ...academy];
    }
    case 'sla_reminder':
    case 'sla_breached':
      return group(event.after.tier);
    case 'updated_from_source':
    // The message the files came with is told of; the files themselves are not news.
    case 'attachments_added':
    case 'assigned':
    case 'escalation_settled':
    case 'notification_delivered':
    case 'notification_failed':
      return [];
  }
}

/**
 * The history's record of a notification is news to nobody, not even to the
 * channels that follow a ticket's every change: the relay reads past it
 * without loading its ticket.
 */
export function isToldToNobody(event: TicketEvent): boolean {
  return event.type === 'notification_delivered' || event.type === 'notification_failed';
}

/** A stable key for one address, so one event reaches one address through one channel once. */
export function addressKey(address: Address): string {
  switch (address.kind) {
    case 'group':
      return `group:${address.tier}`;
    case 'requester':
      return `requester:${address.entUserId}:${address.channel}:${address.conversation ?? ''}`;
    case 'academy':
      return 'academy';
    case 'ent':
      return `ent:${address.entTicketId}`;
  }
}
