import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Zendesk-compatible intake (src/ent/zendesk): the numeric ids the ENT's
 * connector knows tickets, comments and files by, what it sent that has no
 * place on a ticket (its custom fields, echoed back), and how far each key's
 * incremental export has gone.
 */
export class ZendeskIntake1764700000100 implements MigrationInterface {
  name = 'ZendeskIntake1764700000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE zendesk_tickets (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ticket_id uuid NOT NULL UNIQUE REFERENCES tickets(id),
      ent_ticket_id text NOT NULL UNIQUE,
      custom_fields jsonb NOT NULL,
      author_id bigint,
      created_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE zendesk_comments (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      zendesk_ticket_id bigint NOT NULL REFERENCES zendesk_tickets(id),
      message_id uuid UNIQUE REFERENCES ticket_messages(id),
      author_id bigint,
      created_at timestamptz NOT NULL)`);
    // A ticket's description is its first comment (no message): one per ticket.
    await q.query(`CREATE UNIQUE INDEX zendesk_comments_description ON zendesk_comments (zendesk_ticket_id) WHERE message_id IS NULL`);
    await q.query(`CREATE TABLE zendesk_attachments (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      attachment_id uuid NOT NULL REFERENCES ticket_attachments(id) ON DELETE CASCADE,
      token text UNIQUE,
      api_key_id uuid REFERENCES api_keys(id),
      created_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX zendesk_attachments_attachment ON zendesk_attachments (attachment_id)`);
    // How far the incremental export has gone for each key: the comments its ENT may import so far.
    await q.query(`CREATE TABLE zendesk_export_positions (
      api_key_id uuid PRIMARY KEY REFERENCES api_keys(id),
      up_to bigint NOT NULL,
      updated_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE zendesk_export_positions`);
    await q.query(`DROP TABLE zendesk_attachments`);
    await q.query(`DROP TABLE zendesk_comments`);
    await q.query(`DROP TABLE zendesk_tickets`);
  }
}
