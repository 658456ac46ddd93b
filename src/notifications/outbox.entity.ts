import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TicketEventType } from '../tickets/ticket-events';
import { Address } from './audience';

export type OutboxState = 'pending' | 'delivered' | 'dead';

/**
 * One ticket event to tell one address through one channel. Written by the
 * relay from the committed history (one per event, address and channel),
 * delivered by jobs with retries; rows that spend their attempts stay `dead`
 * (the dead-letter list).
 */
@Entity({ name: 'outbox' })
export class OutboxEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'ticket_id' }) ticketId: string;
  /** The ticket event told (its seq in the history). */
  @Column('int', { name: 'event_seq' }) eventSeq: number;
  @Column('text', { name: 'event_type' }) eventType: TicketEventType;
  @Column('jsonb') address: Address;
  @Column('text', { name: 'address_key' }) addressKey: string;
  @Column('text') channel: string;
  @Column('text') state: OutboxState;
  @Column('int') attempts: number;
  @Column('timestamptz', { name: 'next_attempt_at' }) nextAttemptAt: Date;
  /** A delivery in progress holds the row until then; a crashed worker's lease simply runs out. */
  @Column('timestamptz', { name: 'leased_until', nullable: true }) leasedUntil: Date | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt: Date | null;
}
