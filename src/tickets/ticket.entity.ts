import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Profile } from '../directory/profiles';
import { Priority, QueueKind } from '../routing/routing-rules';

export const SOURCE_CHANNELS = ['ent', 'slack', 'discord', 'web', 'api'] as const;
export type SourceChannel = (typeof SOURCE_CHANNELS)[number];


@Entity({ name: 'tickets' })
export class TicketEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  reference: string;

  @Column('text', { name: 'source_channel' })
  sourceChannel: SourceChannel;

  /** The ticket's id in the ENT support module, for tickets that came from it. */
  @Column('text', { name: 'ent_ticket_id', nullable: true })
  entTicketId: string | null;

  @Column('text', { name: 'requester_ent_id' })
  requesterEntId: string;

  @Column('text', { name: 'requester_login', nullable: true })
  requesterLogin: string | null;

  @Column('text', { name: 'requester_name' })
  requesterName: string;

  @Column('text', { name: 'requester_profile', nullable: true })
  requesterProfile: Profile | null;

  /** The chat conversation the ticket was opened from (channel's own id): where replies to the requester go back. */
  @Column('text', { name: 'requester_conversation', nullable: true })
  requesterConversation: string | null;

  @Column('text', { name: 'school_structure_id', nullable: true })
  schoolStructureId: string | null;

  @Column('text', { name: 'school_uai', nullable: true })
  schoolUai: string | null;

  @Column('text')
  subject: string;

  @Column('text')
  description: string;

  /** The source system reads the ticket's changes itself (the ENT's Zendesk connector polls): nothing is pushed back to it. */
  @Column('boolean', { name: 'source_pulls', default: false })
  sourcePulls: boolean;

  /** App address from the ENT ("/blog"), when the ticket came from the ENT. */
  @Column('text', { name: 'ent_category', nullable: true })
  entCategory: string | null;

  @Column('text', { nullable: true })
  intent: string | null;

  @Column('text', { nullable: true })
  category: string | null;

  @Column('text', { nullable: true })
  tier: string | null;

  /** Where the ticket waits (see `QUEUE_KINDS`). */
  @Column('text', { name: 'queue_kind', nullable: true })
  queueKind: QueueKind | null;

  /** The school, circonscription or académie id of the queue. */
  @Column('uuid', { name: 'queue_id', nullable: true })
  queueId: string | null;

  /** The directory role whose holders in the queue handle the ticket. */
  @Column('text', { name: 'assignee_group', nullable: true })
  assigneeGroup: string | null;

  @Column('text', { name: 'assignee_id', nullable: true })
  assigneeId: string | null;

  @Column('text', { name: 'assignee_name', nullable: true })
  assigneeName: string | null;

  @Column('text')
  priority: Priority;

  @Column('smallint')
  status: number;

  @Column('smallint', { name: 'escalation_status' })
  escalationStatus: number;

  @Column('timestamptz', { name: 'first_response_due_at', nullable: true })
  firstResponseDueAt: Date | null;

  @Column('timestamptz', { name: 'resolution_due_at', nullable: true })
  resolutionDueAt: Date | null;

  @Column('timestamptz', { name: 'first_responded_at', nullable: true })
  firstRespondedAt: Date | null;

  /** Set while waiting for the user: the SLA clock stands still. */
  @Column('timestamptz', { name: 'sla_paused_at', nullable: true })
  slaPausedAt: Date | null;

  /** The deadline a reminder was sent for, and the one whose breach was handled: each fires once per deadline. */
  @Column('timestamptz', { name: 'sla_reminded_for', nullable: true })
  slaRemindedFor: Date | null;

  @Column('timestamptz', { name: 'sla_breached_for', nullable: true })
  slaBreachedFor: Date | null;

  /** When the SLA watcher must look at the ticket next (a reminder or a breach); null when nothing is left to watch. */
  @Column('timestamptz', { name: 'next_sla_check_at', nullable: true })
  nextSlaCheckAt: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  /** Optimistic lock: every change bumps it, a concurrent change is detected. */
  @Column('int')
  version: number;
}
