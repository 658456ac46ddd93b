import { escalationFromCode, statusFromCode } from './ticket-status';
import { TicketEventEntity } from './ticket-event.entity';
import { TicketMessageEntity } from './ticket-message.entity';
import { TicketEntity } from './ticket.entity';

/** The public shape of a ticket in API responses. */
export function ticketView(t: TicketEntity) {
  return {
    id: t.id,
    reference: t.reference,
    channel: t.sourceChannel,
    entTicketId: t.entTicketId,
    requester: {
      entUserId: t.requesterEntId,
      login: t.requesterLogin,
      displayName: t.requesterName,
      profile: t.requesterProfile,
    },
    school: { structureId: t.schoolStructureId, uai: t.schoolUai },
    subject: t.subject,
    description: t.description,
    entCategory: t.entCategory,
    intent: t.intent,
    category: t.category,
    tier: t.tier,
    queue: t.queueKind ? { kind: t.queueKind, id: t.queueId } : null,
    assigneeGroup: t.assigneeGroup,
    assignee: t.assigneeId ? { id: t.assigneeId, name: t.assigneeName } : null,
    priority: t.priority,
    status: statusFromCode(t.status),
    statusCode: t.status,
    escalationStatus: escalationFromCode(t.escalationStatus),
    escalationStatusCode: t.escalationStatus,
    sla: {
      firstResponseDueAt: t.firstResponseDueAt,
      resolutionDueAt: t.resolutionDueAt,
      firstRespondedAt: t.firstRespondedAt,
      paused: t.slaPausedAt !== null,
    },
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
export type TicketView = ReturnType<typeof ticketView>;

export function messageView(m: TicketMessageEntity) {
  return {
    id: m.id,
    author: { id: m.authorId, name: m.authorName },
    visibility: m.visibility,
    channel: m.channel,
    body: m.body,
    createdAt: m.createdAt,
  };
}

export function eventView(e: TicketEventEntity) {
  return {
    seq: e.seq,
    type: e.type,
    actor: { kind: e.actorKind, id: e.actorId, name: e.actorName },
    before: e.before,
    after: e.after,
    at: e.at,
  };
}
