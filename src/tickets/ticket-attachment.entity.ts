import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A file that belongs to a ticket: to one of its messages, or to the ticket
 * itself (the files sent with its description). A file is first staged (sent
 * before the ticket or message it goes with exists, as the ENT's Zendesk
 * connector uploads them), then attached once, by the change that records
 * `attachments_added`. Staged files never attached are purged after a day.
 */
@Entity({ name: 'ticket_attachments' })
export class TicketAttachmentEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Null while staged. */
  @Column('uuid', { name: 'ticket_id', nullable: true })
  ticketId: string | null;

  /** Null for a file of the ticket itself (its description). */
  @Column('uuid', { name: 'message_id', nullable: true })
  messageId: string | null;

  @Column('text', { name: 'file_name' })
  fileName: string;

  @Column('text', { name: 'content_type' })
  contentType: string;

  @Column('int')
  size: number;

  /** Hex SHA-256 of the content: the same file sent twice is recognised. */
  @Column('text')
  sha256: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'attached_at', nullable: true })
  attachedAt: Date | null;
}

/** What an attachment is, without its bytes (read apart, by `TicketQueries.attachmentContent`). */
export type AttachmentInfo = Pick<TicketAttachmentEntity, 'id' | 'ticketId' | 'messageId' | 'fileName' | 'contentType' | 'size' | 'sha256' | 'createdAt'>;

/** A file to stage. */
export interface NewAttachment {
  fileName: string;
  contentType: string;
  content: Buffer;
}
