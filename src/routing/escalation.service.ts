import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { ticketMovedUp } from '../notifications/messages';
import { isStaffFor, Viewer } from '../tickets/ticket-access';
import { Actor, SYSTEM_ACTOR } from '../tickets/ticket-history';
import { canEscalate, ESCALATION_STATUS, escalationFromCode, statusFromCode } from '../tickets/ticket-status';
import { TicketEntity } from '../tickets/ticket.entity';
import { TicketsService } from '../tickets/tickets.service';
import { Placement, queuedIn, RoutingService } from './routing.service';
import { SlaClock } from './sla/sla-clock';

const BACK_OFFICE: Viewer = { kind: 'back_office' };

type Person = Viewer & { kind: 'person' };

/** Runs inside the escalation's transaction, on the locked ticket, before it moves; may throw to call it off. */
export type BeforeMove = (m: EntityManager, ticket: TicketEntity) => Promise<void>;

/**
 * Moving a ticket up: manual escalation one tier up the ladder of the routing
 * rules (with a reason), "Transmettre au support" to the editor by the
 * school's director or admin, and automatic escalation when an SLA is breached.
 */
@Injectable()
export class EscalationService {
  constructor(
    private readonly tickets: TicketsService,
    private readonly routing: RoutingService,
    private readonly sla: SlaClock,
    private readonly clock: Clock,
  ) {}

  async escalate(reference: string, reason: string, viewer: Person) {
    const ticket = await this.tickets.get(reference, viewer);
    if (!isStaffFor(ticket, viewer)) {
      throw new DomainError('TICKET_FORBIDDEN_ACTION', 'Only the people handling a ticket may escalate it.');
    }
    const next = this.nextTier(ticket);
    const placement = await this.routing.placeIn(next, ticket.schoolStructureId);
    return this.moveUp({ reference }, viewer, ticket.tier, placement, personActor(viewer), reason, 'escalated');
  }

  async forwardToSupport(reference: string, reason: string, viewer: Person) {
    const ticket = await this.tickets.get(reference, viewer);
    if (!ticket.schoolStructureId || !viewer.scope.administeredStructureIds.includes(ticket.schoolStructureId)) {
      throw new DomainError('TICKET_FORBIDDEN_ACTION', "Only the school's director or ENT admin may forward a ticket to the editor's support.");
    }
    const target = this.routing.rules.forwardTo;
    if (ticket.tier === target) throw refused(`The ticket is already with ${target}.`, ticket);
    const placement = await this.routing.placeIn(target, ticket.schoolStructureId);
    return this.moveUp({ reference }, viewer, ticket.tier, placement, personActor(viewer), reason, 'forwarded');
  }

  /** Called at an SLA breach: one tier up if the ladder and the ticket allow it; false otherwise. */
  async escalateForBreach(ticket: TicketEntity, reason: string, onChange: BeforeMove): Promise<boolean> {
    const next = this.routing.tierRule(ticket.tier ?? '').escalatesTo;
    if (!next || !canEscalate(statusFromCode(ticket.status), escalationFromCode(ticket.escalationStatus))) return false;
    const placement = await this.routing.placeIn(next, ticket.schoolStructureId);
    await this.moveUp({ id: ticket.id }, BACK_OFFICE, ticket.tier, placement, SYSTEM_ACTOR, reason, 'escalated', onChange);
    return true;
  }

  private nextTier(ticket: TicketEntity): string {
    const next = ticket.tier ? this.routing.tierRule(ticket.tier).escalatesTo : undefined;
    if (!next) throw refused(`No tier above ${ticket.tier ?? 'an unrouted ticket'}: it cannot be escalated further.`, ticket);
    return next;
  }

  /** The placement was worked out before the transaction; the ticket must still be where it was then. */
  private moveUp(
    where: { reference: string } | { id: string },
    viewer: Viewer,
    fromTier: string | null,
    placement: Placement,
    actor: Actor,
    reason: string,
    how: 'escalated' | 'forwarded',
    onChange?: BeforeMove,
  ) {
    return this.tickets.changeTicket(where, viewer, async (m, ticket, change) => {
      if (ticket.tier !== fromTier) throw new DomainError('TICKET_CHANGED', 'The ticket changed tier meanwhile: reload it and try again.');
      const status = statusFromCode(ticket.status);
      const escalation = escalationFromCode(ticket.escalationStatus);
      if (!canEscalate(status, escalation)) {
        throw refused(`A ticket that is ${status} with escalation ${escalation} cannot be escalated; it must be new or opened, with no escalation in progress.`, ticket);
      }
      const now = this.clock.now();
      const before = { tier: ticket.tier, queue: ticket.queueKind, assignee: ticket.assigneeId, escalationStatus: escalation };
      await onChange?.(m, ticket);
      Object.assign(ticket, {
        ...queuedIn(placement),
        firstRespondedAt: null,
        // Handing over to the académie's incident tool is in progress until it accepts the ticket.
        escalationStatus: placement.queueKind === 'academy' ? ESCALATION_STATUS.in_progress : ESCALATION_STATUS.successful,
        ...this.sla.deadlines(placement.tier, ticket.priority, now),
      });
      await this.tickets.recordEvent(m, ticket, how, actor, before, {
        tier: ticket.tier,
        queue: ticket.queueKind,
        reason,
        escalationStatus: escalationFromCode(ticket.escalationStatus),
      });
      change.notify(ticketMovedUp(ticket, how, reason, fromTier));
      return ticket;
    });
  }
}

function personActor(viewer: Person): Actor {
  return { kind: 'user', id: viewer.scope.entUserId, name: viewer.scope.displayName };
}

function refused(message: string, ticket: TicketEntity): DomainError {
  return new DomainError('ESCALATION_REFUSED', message, {
    status: statusFromCode(ticket.status),
    escalationStatus: escalationFromCode(ticket.escalationStatus),
    tier: ticket.tier,
  });
}
