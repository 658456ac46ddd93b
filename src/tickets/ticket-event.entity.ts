import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ActorKind, TicketEvent, TicketEventType } from './ticket-events';

/**
 * A ticket's history, append only: the database refuses UPDATE and DELETE on
 * this table. Each row is a typed ticket event (`ticket-events.ts`); its
 * transaction id (`tx`, not mapped here) lets consumers read the events in
 * commit order without missing one (`TicketEventFeed`).
 */
@Entity({ name: 'ticket_events' })
export class TicketEventEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS', type: 'int' })
  seq: number;

  @Column('uuid', { name: 'ticket_id' })
  ticketId: string;

  @Column('text')
  type: TicketEventType;

  @Column('text', { name: 'actor_kind' })
  actorKind: ActorKind;

  @Column('text', { name: 'actor_id' })
  actorId: string;

  @Column('text', { name: 'actor_name', nullable: true })
  actorName: string | null;

  @Column('jsonb', { nullable: true })
  before: object | null;

  @Column('jsonb', { nullable: true })
  after: object | null;

  @Column('timestamptz')
  at: Date;
}

/** The typed event a row holds (rows are only written from typed events). */
export function eventOf(row: TicketEventEntity): TicketEvent {
  return {
    seq: row.seq,
    ticketId: row.ticketId,
    type: row.type,
    actor: { kind: row.actorKind, id: row.actorId, name: row.actorName },
    before: row.before,
    after: row.after,
    at: row.at,
  } as TicketEvent;
}
