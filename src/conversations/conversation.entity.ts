import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ChatChannel } from '../admin-actions/actor';
import { ConversationState } from './conversation-state';

/** What the last reply offered, so a click can be checked (a stale button gets a polite answer). */
export interface ChatChoice {
  id: string;
  label: string;
}

/**
 * One conversation of one person on one chat channel (a web chat session, a
 * Discord or Slack direct conversation): where it stands, so a restart or
 * another replica picks it up where it was.
 */
@Entity({ name: 'conversations' })
export class ConversationEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') channel: ChatChannel;
  /** The channel's own id of the conversation (session, DM channel). */
  @Column('text', { name: 'external_id' }) externalId: string;
  /** The chat identity of the person (for the link to their ENT account). */
  @Column('text', { name: 'identity_id' }) identityId: string;
  @Column('jsonb') state: ConversationState;
  @Column('jsonb') offered: ChatChoice[];
  /** What an anonymous visitor told about themselves (a linked person's comes from the ENT). */
  @Column('text', { nullable: true }) profile: string | null;
  @Column('text', { name: 'school_structure_id', nullable: true }) schoolStructureId: string | null;
  @Column('text', { name: 'display_name', nullable: true }) displayName: string | null;
  /** The last ticket opened from this conversation. */
  @Column('text', { name: 'ticket_reference', nullable: true }) ticketReference: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

export type ConversationAuthor = 'person' | 'relais' | 'staff';

/** What was said, in order: a channel that reconnects (the web chat) shows it again. */
@Entity({ name: 'conversation_messages' })
export class ConversationMessageEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS', type: 'int' }) seq: number;
  @Column('uuid', { name: 'conversation_id' }) conversationId: string;
  @Column('text') author: ConversationAuthor;
  @Column('text') text: string;
  @Column('jsonb') choices: ChatChoice[];
  @Column('text', { name: 'answer_intent', nullable: true }) answerIntent: string | null;
  @Column('jsonb', { nullable: true }) ticket: { reference: string; tier: string | null; status: string } | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
