import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Typed ticket events feed the notifications: each event carries its
 * transaction id, so the relay reads them in commit order; the outbox holds
 * one row per event, address and channel; each ticket says when its SLA must
 * next be checked (a column swept by the watchers, not one delayed job per ticket).
 */
export class TicketEventFeed1764200000000 implements MigrationInterface {
  name = 'TicketEventFeed1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // Existing events get this migration's transaction id: the relay starts after them (below).
    await q.query(`ALTER TABLE ticket_events ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id()`);
    await q.query(`CREATE INDEX ticket_events_feed ON ticket_events (tx, seq)`);

    await q.query(`ALTER TABLE tickets ADD COLUMN requester_conversation text, ADD COLUMN next_sla_check_at timestamptz`);
    await q.query(`CREATE INDEX tickets_sla_checks ON tickets (next_sla_check_at) WHERE next_sla_check_at IS NOT NULL`);
    // Open tickets are looked at once by the watcher, which then sets their real next check.
    await q.query(`UPDATE tickets SET next_sla_check_at = now() WHERE status IN (1, 2) AND tier IS NOT NULL AND sla_paused_at IS NULL`);
    await q.query(`DROP INDEX IF EXISTS tickets_open_deadlines`);

    // Notifications of the previous format (French text fixed at write time) are not carried over.
    await q.query(`DROP TABLE outbox`);
    await q.query(`CREATE TABLE outbox (
      id uuid PRIMARY KEY,
      ticket_id uuid NOT NULL REFERENCES tickets(id),
      event_seq int NOT NULL,
      event_type text NOT NULL,
      address jsonb NOT NULL,
      address_key text NOT NULL,
      channel text NOT NULL,
      state text NOT NULL CHECK (state IN ('pending','delivered','dead')),
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      leased_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL,
      delivered_at timestamptz,
      UNIQUE (event_seq, channel, address_key))`);
    await q.query(`CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state = 'pending'`);
    // A row waits for the ticket's earlier ones through the same channel: found by this index.
    await q.query(`CREATE INDEX outbox_pending_per_ticket ON outbox (ticket_id, channel, event_seq) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX outbox_ticket ON outbox (ticket_id, created_at)`);

    await q.query(`CREATE TABLE outbox_relay_position (name text PRIMARY KEY, tx xid8 NOT NULL, seq int NOT NULL)`);
    await q.query(`INSERT INTO outbox_relay_position (name, tx, seq) SELECT 'outbox', pg_current_xact_id(), COALESCE(max(seq), 0) FROM ticket_events`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox_relay_position`);
    await q.query(`DROP INDEX tickets_sla_checks`);
    await q.query(`ALTER TABLE tickets DROP COLUMN requester_conversation, DROP COLUMN next_sla_check_at`);
    await q.query(`DROP INDEX ticket_events_feed`);
    await q.query(`ALTER TABLE ticket_events DROP COLUMN tx`);
  }
}
