import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tickets whose source system reads their changes itself (the ENT's Zendesk connector) are not pushed back to it. */
export class SourcePulls1764800000000 implements MigrationInterface {
  name = 'SourcePulls1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets ADD COLUMN source_pulls boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets DROP COLUMN source_pulls`);
  }
}
