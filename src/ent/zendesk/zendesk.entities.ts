import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A custom field as Zendesk carries it. */
export interface CustomField {
  id: number;
  value: string | number | boolean | null | string[];
}

/** A Relais ticket the ENT escalated, by the numeric id the ENT knows it by. Int8 ids come back as strings. */
@Entity({ name: 'zendesk_tickets' })
export class ZendeskTicketEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'ticket_id' })
  ticketId: string;

  @Column('text', { name: 'ent_ticket_id' })
  entTicketId: string;

  /** As the ENT sent them, echoed back (the ENT reads its ticket id there). */
  @Column('jsonb', { name: 'custom_fields' })
  customFields: CustomField[];

  /** The Zendesk user the ENT writes its comments as (its `comment_author_user_id`). */
  @Column('bigint', { name: 'author_id', nullable: true })
  authorId: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}

/** The numeric id of a comment: a ticket's description (no message) or one of its public messages. */
@Entity({ name: 'zendesk_comments' })
export class ZendeskCommentEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('bigint', { name: 'zendesk_ticket_id' })
  zendeskTicketId: string;

  @Column('uuid', { name: 'message_id', nullable: true })
  messageId: string | null;

  @Column('bigint', { name: 'author_id', nullable: true })
  authorId: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}

/**
 * The numeric id of a file: an upload (its token, the key that sent it) or a
 * ticket's file given an id when first shown. A file uploaded again by a
 * redelivery is the same file: it has several ids, and shows the latest.
 */
@Entity({ name: 'zendesk_attachments' })
export class ZendeskAttachmentEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid', { name: 'attachment_id' })
  attachmentId: string;

  @Column('text', { nullable: true })
  token: string | null;

  @Column('uuid', { name: 'api_key_id', nullable: true })
  apiKeyId: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}

/** How far a key's incremental export has gone (Unix seconds): the comments its ENT may import so far. */
@Entity({ name: 'zendesk_export_positions' })
export class ZendeskExportPositionEntity {
  @PrimaryColumn('uuid', { name: 'api_key_id' })
  apiKeyId: string;

  @Column('bigint', { name: 'up_to' })
  upTo: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
