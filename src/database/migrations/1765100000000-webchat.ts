import { MigrationInterface, QueryRunner } from 'typeorm';

/** Web chat sessions (only a digest of each session's token) and the visitors' rate-limit counters, shared by every replica. */
export class Webchat1765100000000 implements MigrationInterface {
  name = 'Webchat1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE webchat_sessions (
      token_digest text PRIMARY KEY,
      external_id text NOT NULL UNIQUE,
      demo_person text,
      created_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE webchat_rate_counts (
      bucket text NOT NULL,
      window_start timestamptz NOT NULL,
      hits int NOT NULL,
      PRIMARY KEY (bucket, window_start))`);
    await q.query(`CREATE INDEX webchat_rate_counts_by_window ON webchat_rate_counts (window_start)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webchat_rate_counts`);
    await q.query(`DROP TABLE webchat_sessions`);
  }
}
