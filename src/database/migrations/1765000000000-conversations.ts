import { MigrationInterface, QueryRunner } from 'typeorm';

/** Conversations of the chat channels (web chat, Discord, Slack direct messages) and what was said in them. */
export class Conversations1765000000000 implements MigrationInterface {
  name = 'Conversations1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE conversations (
      id uuid PRIMARY KEY,
      channel text NOT NULL,
      external_id text NOT NULL,
      identity_id text NOT NULL,
      state jsonb NOT NULL,
      offered jsonb NOT NULL,
      profile text,
      school_structure_id text,
      display_name text,
      ticket_reference text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      UNIQUE (channel, external_id))`);
    await q.query(`CREATE TABLE conversation_messages (
      seq int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      author text NOT NULL CHECK (author IN ('person', 'relais', 'staff')),
      text text NOT NULL,
      choices jsonb NOT NULL,
      answer_intent text,
      ticket jsonb,
      created_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX conversation_messages_by_conversation ON conversation_messages (conversation_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE conversation_messages`);
    await q.query(`DROP TABLE conversations`);
  }
}
