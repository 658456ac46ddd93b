import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files of tickets and of their messages. A file is staged first (it may
 * arrive before its ticket, as the ENT's Zendesk connector uploads it), then
 * attached once; staged files never attached are purged.
 */
export class TicketAttachments1764700000000 implements MigrationInterface {
  name = 'TicketAttachments1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ticket_attachments (
      id uuid PRIMARY KEY,
      ticket_id uuid REFERENCES tickets(id),
      message_id uuid REFERENCES ticket_messages(id),
      file_name text NOT NULL,
      content_type text NOT NULL,
      size int NOT NULL CHECK (size >= 0),
      sha256 text NOT NULL,
      content bytea NOT NULL,
      created_at timestamptz NOT NULL,
      attached_at timestamptz,
      CHECK (message_id IS NULL OR ticket_id IS NOT NULL),
      CHECK ((ticket_id IS NULL) = (attached_at IS NULL)))`);
    await q.query(`CREATE INDEX ticket_attachments_ticket ON ticket_attachments (ticket_id, created_at) WHERE ticket_id IS NOT NULL`);
    await q.query(`CREATE INDEX ticket_attachments_staged ON ticket_attachments (created_at) WHERE ticket_id IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ticket_attachments`);
  }
}
