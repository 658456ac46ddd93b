import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Personal data (issue 18): retention, export, erasure.
 * - `people.email` goes: nothing reads it (minimisation).
 * - `tickets.anonymised_at` marks tickets whose personal data is gone, so the retention job does each once.
 * - The history stays append-only, with one narrow exception: an UPDATE made in a transaction that
 *   set `relais.privacy` to `anonymise` (`set_config(..., true)`, so it ends with the transaction).
 *   Only `TicketWriter`'s anonymising methods set it; DELETE stays refused in every case, so the
 *   history keeps every event, with the person replaced by a placeholder.
 * - `privacy_tasks` records each erasure and retention run: who, when, how many records; never whom.
 */
export class Privacy1765200000000 implements MigrationInterface {
  name = 'Privacy1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE people DROP COLUMN email`);
    await q.query(`ALTER TABLE tickets ADD COLUMN anonymised_at timestamptz`);
    await q.query(`CREATE INDEX tickets_retention ON tickets (updated_at) WHERE status = 4 AND anonymised_at IS NULL`);
    await q.query(`CREATE FUNCTION relais_refuse_change_unless_anonymising() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('relais.privacy', true) = 'anonymise' THEN RETURN NEW; END IF;
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
      END $$`);
    await q.query(`DROP TRIGGER ticket_events_append_only ON ticket_events`);
    await q.query(`CREATE TRIGGER ticket_events_append_only BEFORE UPDATE OR DELETE ON ticket_events
      FOR EACH ROW EXECUTE FUNCTION relais_refuse_change_unless_anonymising()`);
    await q.query(`CREATE TABLE privacy_tasks (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('erasure', 'retention')),
      requested_by text NOT NULL,
      at timestamptz NOT NULL,
      counts jsonb NOT NULL)`);
    await q.query(`CREATE INDEX privacy_tasks_at ON privacy_tasks (at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE privacy_tasks`);
    await q.query(`DROP TRIGGER ticket_events_append_only ON ticket_events`);
    await q.query(`CREATE TRIGGER ticket_events_append_only BEFORE UPDATE OR DELETE ON ticket_events
      FOR EACH ROW EXECUTE FUNCTION relais_refuse_change()`);
    await q.query(`DROP FUNCTION relais_refuse_change_unless_anonymising()`);
    await q.query(`DROP INDEX tickets_retention`);
    await q.query(`ALTER TABLE tickets DROP COLUMN anonymised_at`);
    await q.query(`ALTER TABLE people ADD COLUMN email text`);
  }
}
