import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Slack app's own bookkeeping: where each ticket's card was posted (to
 * update it and to read its thread), and which thread messages were the
 * ticket's own messages (so a message is never echoed back into its thread).
 */
export class SlackCards1765300000000 implements MigrationInterface {
  name = 'SlackCards1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE slack_cards (
      ticket_id uuid NOT NULL,
      channel_id text NOT NULL,
      ts text NOT NULL,
      posted_at timestamptz NOT NULL,
      PRIMARY KEY (ticket_id, channel_id))`);
    await q.query(`CREATE UNIQUE INDEX slack_cards_thread ON slack_cards (channel_id, ts)`);
    await q.query(`CREATE TABLE slack_thread_messages (
      message_id uuid NOT NULL,
      channel_id text NOT NULL,
      ts text NOT NULL,
      PRIMARY KEY (message_id, channel_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE slack_thread_messages');
    await q.query('DROP TABLE slack_cards');
  }
}
