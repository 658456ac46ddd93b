import { MigrationInterface, QueryRunner } from 'typeorm';

/** Where a ticket waits (queue, group), its SLA clock, and the notification outbox. */
export class Routing1764000000000 implements MigrationInterface {
  name = 'Routing1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets
      ADD COLUMN queue_kind text CHECK (queue_kind IN ('school','circonscription','academy','editor','none')),
      ADD COLUMN queue_id uuid,
      ADD COLUMN assignee_group text,
      ADD COLUMN first_responded_at timestamptz,
      ADD COLUMN sla_paused_at timestamptz,
      ADD COLUMN sla_reminded_for timestamptz,
      ADD COLUMN sla_breached_for timestamptz`);
    // The reconciler looks for open tickets whose next deadline has passed.
    await q.query(`CREATE INDEX tickets_open_deadlines ON tickets (resolution_due_at) WHERE status IN (1, 2)`);

    await q.query(`CREATE TABLE outbox (
      id uuid PRIMARY KEY,
      ticket_id uuid NOT NULL REFERENCES tickets(id),
      kind text NOT NULL,
      target text NOT NULL,
      payload jsonb NOT NULL,
      state text NOT NULL CHECK (state IN ('pending','delivered','dead')),
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      leased_until timestamptz,
      last_error text,
      transport text,
      created_at timestamptz NOT NULL,
      delivered_at timestamptz)`);
    await q.query(`CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX outbox_ticket ON outbox (ticket_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS outbox`);
    await q.query(`DROP INDEX IF EXISTS tickets_open_deadlines`);
    await q.query(`ALTER TABLE tickets DROP COLUMN queue_kind, DROP COLUMN queue_id, DROP COLUMN assignee_group,
      DROP COLUMN first_responded_at, DROP COLUMN sla_paused_at, DROP COLUMN sla_reminded_for, DROP COLUMN sla_breached_for`);
  }
}
