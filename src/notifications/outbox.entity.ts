import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Who must hear about a change: resolved to a concrete transport when delivered. */
export const OUTBOX_TARGETS = ['requester', 'assignee_group', 'academic_support'] as const;
export type OutboxTarget = (typeof OUTBOX_TARGETS)[number];

export const OUTBOX_KINDS = [
  'ticket_created',
  'ticket_redirected',
  'ticket_escalated',
  'status_changed',
  'message_added',
  'sla_reminder',
  'sla_breached',
] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export type OutboxState = 'pending' | 'delivered' | 'dead';

/** What the notification says, fixed when the change commits. */
export interface OutboxPayload {
  /** French text for people; transports format it for their channel. */
  text: string;
  /** ENT status code to report back, for tickets that came from the ENT. */
  entStatus?: number;
  /** Escalation reason, tier reached, deadline… */
  details?: Record<string, string | number | boolean | null>;
}

/**
 * A notification written in the same transaction as the change it reports,
 * then delivered by jobs: a crash after the commit cannot lose it.
 * Rows that exhaust their attempts stay as `dead` (the dead-letter list).
 */
@Entity({ name: 'outbox' })
export class OutboxEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'ticket_id' }) ticketId: string;
  @Column('text') kind: OutboxKind;
  @Column('text') target: OutboxTarget;
  @Column('jsonb') payload: OutboxPayload;
  @Column('text') state: OutboxState;
  @Column('int') attempts: number;
  @Column('timestamptz', { name: 'next_attempt_at' }) nextAttemptAt: Date;
  /** A delivery in progress holds the row until then; a crashed worker's lease simply runs out. */
  @Column('timestamptz', { name: 'leased_until', nullable: true }) leasedUntil: Date | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  /** The transport that delivered it (webhook, ent, timeline…). */
  @Column('text', { nullable: true }) transport: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt: Date | null;
}
