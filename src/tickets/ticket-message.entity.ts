import { Column, Entity, PrimaryColumn } from 'typeorm';
import { SourceChannel } from './ticket.entity';

export const MESSAGE_VISIBILITIES = ['public', 'internal'] as const;
export type MessageVisibility = (typeof MESSAGE_VISIBILITIES)[number];

@Entity({ name: 'ticket_messages' })
export class TicketMessageEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'ticket_id' })
  ticketId: string;

  @Column('text', { name: 'author_id' })
  authorId: string;

  @Column('text', { name: 'author_name' })
  authorName: string;

  @Column('text')
  visibility: MessageVisibility;

  @Column('text')
  channel: SourceChannel;

  @Column('text')
  body: string;

  /** Identity of the comment in the source system (ENT comment), for idempotent intake. */
  @Column('text', { name: 'external_id', nullable: true })
  externalId: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
