import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ACTOR_KINDS = ['user', 'system', 'integration'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export type TicketEventType =
  | 'created'
  | 'updated_from_source'
  | 'message_added'
  | 'status_changed'
  | 'assigned'
  | 'classified'
  | 'routed'
  | 'escalated'
  | 'forwarded'
  | 'sla_reminder'
  | 'sla_breached'
  | 'notification_delivered'
  | 'notification_failed';

/** Before/after snapshots: flat JSON values only, so a history stays readable. */
export type EventData = Record<string, string | number | boolean | null | readonly string[]>;

/** Append-only history: the database refuses UPDATE and DELETE on this table. */
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
  before: EventData | null;

  @Column('jsonb', { nullable: true })
  after: EventData | null;

  @Column('timestamptz')
  at: Date;
}
