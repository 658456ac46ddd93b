import { EntityManager } from 'typeorm';
import { ActorKind, EventData, TicketEventEntity, TicketEventType } from './ticket-event.entity';

export interface Actor {
  kind: ActorKind;
  id: string;
  name: string | null;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'relais', name: 'Relais' };

/** Appends one entry to a ticket's history, inside the caller's transaction. */
export async function recordTicketEvent(
  m: EntityManager,
  ticketId: string,
  type: TicketEventType,
  actor: Actor,
  before: EventData | null,
  after: EventData | null,
  at: Date,
): Promise<void> {
  await m.insert(TicketEventEntity, { ticketId, type, actorKind: actor.kind, actorId: actor.id, actorName: actor.name, before, after, at });
}
