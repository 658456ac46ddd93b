import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A ticket's card in one Slack channel: the message `ts` is what `chat.update` and the thread need. */
@Entity({ name: 'slack_cards' })
export class SlackCardEntity {
  @PrimaryColumn('uuid', { name: 'ticket_id' }) ticketId: string;
  @PrimaryColumn('text', { name: 'channel_id' }) channelId: string;
  @Column('text') ts: string;
  @Column('timestamptz', { name: 'posted_at' }) postedAt: Date;
}

/** A ticket message that already is in a card's thread (written there, or posted there once). */
@Entity({ name: 'slack_thread_messages' })
export class SlackThreadMessageEntity {
  @PrimaryColumn('uuid', { name: 'message_id' }) messageId: string;
  @PrimaryColumn('text', { name: 'channel_id' }) channelId: string;
  @Column('text') ts: string;
}
