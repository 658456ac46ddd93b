import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors';
import { RoutingService } from '../routing/routing.service';
import { isRequester, isStaffFor, Person, personActor } from './ticket-access';
import { Actor, DeliveryRecord, SYSTEM_ACTOR } from './ticket-events';
import { MessageVisibility } from './ticket-message.entity';
import { TicketQueries } from './ticket-queries.service';
import {
  applyTransition,
  canEscalate,
  escalationFromCode,
  REQUESTER_TRANSITIONS,
  statusAfterComment,
  statusFromCode,
  Transition,
} from './ticket-status';
import { TicketWriter } from './ticket-writer';
import { SourceChannel, TicketEntity } from './ticket.entity';

/**
 * The channel-neutral commands on existing tickets: whatever the channel
 * (API, Slack, Discord, web chat, the SLA watcher, a notification delivery),
 * a change is made here, checked against the person's rights, and recorded as
 * typed events by the writer.
 */
@Injectable()
export class TicketCommands {
  constructor(
    private readonly writer: TicketWriter,
    private readonly queries: TicketQueries,
    private readonly routing: RoutingService,
  ) {}

  /** `attachments`: staged files that come with the message (`TicketSources.stageAttachment`). */
  async addMessage(reference: string, input: { body: string; visibility: MessageVisibility; channel: SourceChannel; attachments?: string[] }, person: Person) {
    const actor = personActor(person);
    return this.writer.change(
      { reference },
      async (c) => {
        const byRequester = isRequester(c.ticket, person);
        const internal = input.visibility === 'internal';
        if (internal && !isStaffFor(c.ticket, person)) {
          throw new DomainError('TICKET_FORBIDDEN_ACTION', 'Only the people handling a ticket may add internal notes.');
        }
        // The first public answer from staff meets the first-response deadline.
        if (!internal && !byRequester && !c.ticket.firstRespondedAt) c.ticket.firstRespondedAt = c.now;
        const authorName = actor.name ?? (byRequester ? c.ticket.requesterName : actor.id);
        const { attachments = [], ...fields } = input;
        const message = await c.addMessage({ ...fields, authorId: actor.id, authorName }, byRequester, actor);
        await c.attach(attachments, message.id, actor);
        c.moveStatus(statusAfterComment(statusFromCode(c.ticket.status), { byRequester, internal }), actor);
        return message;
      },
      { viewer: person },
    );
  }

  async transition(reference: string, input: { action: Transition; reason?: string }, person: Person) {
    const actor = personActor(person);
    return this.writer.change(
      { reference },
      (c) => {
        if (!isStaffFor(c.ticket, person) && !(isRequester(c.ticket, person) && REQUESTER_TRANSITIONS.includes(input.action))) {
          throw new DomainError('TICKET_FORBIDDEN_ACTION', `You may not ${input.action} this ticket.`);
        }
        const current = statusFromCode(c.ticket.status);
        const outcome = applyTransition(current, input.action);
        if (!outcome.ok) {
          throw new DomainError(
            'TICKET_ILLEGAL_TRANSITION',
            `Cannot ${input.action} a ticket that is ${current}; allowed from: ${outcome.allowedFrom.join(', ')}.`,
            { status: current, allowedFrom: outcome.allowedFrom },
          );
        }
        if (input.action === 'claim') c.assign({ id: actor.id, name: actor.name }, actor);
        c.moveStatus(outcome.to, actor, input.reason);
        return c.ticket;
      },
      { viewer: person },
    );
  }

  /** Gives the ticket to another person who handles tickets of its school (or to nobody: back to the group). */
  async reassign(reference: string, assignee: Person | null, person: Person) {
    const actor = personActor(person);
    return this.writer.change(
      { reference },
      (c) => {
        if (!isStaffFor(c.ticket, person)) throw new DomainError('TICKET_FORBIDDEN_ACTION', 'Only the people handling a ticket may reassign it.');
        if (assignee && !isStaffFor(c.ticket, assignee)) {
          throw new DomainError('TICKET_FORBIDDEN_ACTION', `${assignee.scope.entUserId} does not handle the tickets of this school.`);
        }
        c.assign(assignee ? { id: assignee.scope.entUserId, name: assignee.scope.displayName } : null, actor);
        return c.ticket;
      },
      { viewer: person },
    );
  }

  /** One tier up the ladder of the routing rules, by staff of the ticket, with a reason. */
  async escalate(reference: string, reason: string, person: Person) {
    const ticket = await this.queries.get(reference, person);
    if (!isStaffFor(ticket, person)) throw new DomainError('TICKET_FORBIDDEN_ACTION', 'Only the people handling a ticket may escalate it.');
    const next = ticket.tier ? this.routing.tierRule(ticket.tier).escalatesTo : undefined;
    if (!next) throw escalationRefused(`No tier above ${ticket.tier ?? 'an unrouted ticket'}: it cannot be escalated further.`, ticket);
    return this.moveUp(ticket, next, 'escalated', personActor(person), reason);
  }

  /** "Transmettre au support": the school's director or ENT admin hands the ticket to the editor's support. */
  async forward(reference: string, reason: string, person: Person) {
    const ticket = await this.queries.get(reference, person);
    if (!ticket.schoolStructureId || !person.scope.administeredStructureIds.includes(ticket.schoolStructureId)) {
      throw new DomainError('TICKET_FORBIDDEN_ACTION', "Only the school's director or ENT admin may forward a ticket to the editor's support.");
    }
    const target = this.routing.rules.forwardTo;
    if (ticket.tier === target) throw escalationRefused(`The ticket is already with ${target}.`, ticket);
    return this.moveUp(ticket, target, 'forwarded', personActor(person), reason);
  }

  /** The placement is worked out before the transaction; the ticket must still be where it was then. */
  private async moveUp(seen: TicketEntity, tier: string, how: 'escalated' | 'forwarded', actor: Actor, reason: string) {
    const placement = await this.routing.placeIn(tier, seen.schoolStructureId);
    return this.writer.change({ id: seen.id }, (c) => {
      if (c.ticket.tier !== seen.tier) throw new DomainError('TICKET_CHANGED', 'The ticket changed tier meanwhile: reload it and try again.');
      assertEscalable(c.ticket);
      c.moveTo(placement, how, actor, { reason, breachOf: null });
      return c.ticket;
    });
  }

  /** The académie's incident tool answered a delivery: the escalation succeeded or failed (inside the delivery's transaction). */
  async settleEscalation(m: EntityManager, ticketId: string, outcome: 'successful' | 'failed'): Promise<void> {
    await this.writer.change({ id: ticketId }, (c) => c.settleEscalation(outcome, SYSTEM_ACTOR), { within: m });
  }

  /** Keeps on the tickets' histories that notifications reached (or could not reach) their addresses, in one statement. */
  async recordDeliveries(m: EntityManager, deliveries: readonly { ticketId: string; record: DeliveryRecord; error?: string }[]): Promise<void> {
    await this.writer.appendHistory(
      m,
      deliveries.map(({ ticketId, record, error }) => ({
        ticketId,
        event:
          error === undefined
            ? { type: 'notification_delivered', actor: SYSTEM_ACTOR, before: null, after: record }
            : { type: 'notification_failed', actor: SYSTEM_ACTOR, before: null, after: { ...record, error } },
      })),
    );
  }
}

/** As in the ENT: only a new or opened ticket is escalated, and not while an escalation is in progress. */
export function assertEscalable(ticket: TicketEntity): void {
  const status = statusFromCode(ticket.status);
  const escalation = escalationFromCode(ticket.escalationStatus);
  if (!canEscalate(status, escalation)) {
    throw escalationRefused(
      `A ticket that is ${status} with escalation ${escalation} cannot be escalated; it must be new or opened, with no escalation in progress.`,
      ticket,
    );
  }
}

function escalationRefused(message: string, ticket: TicketEntity): DomainError {
  return new DomainError('ESCALATION_REFUSED', message, {
    status: statusFromCode(ticket.status),
    escalationStatus: escalationFromCode(ticket.escalationStatus),
    tier: ticket.tier,
  });
}
