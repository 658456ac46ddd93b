import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Slack events already taken in hand, by their `event_id`: a retry from
 * Slack (or the same event reaching another replica) is recognised and not
 * worked a second time. Kept a day, well past Slack's last retry.
 */
export class SlackEvents1765400000000 implements MigrationInterface {
  name = 'SlackEvents1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE slack_events (
      event_id text PRIMARY KEY,
      received_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX slack_events_received ON slack_events (received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE slack_events');
  }
}
