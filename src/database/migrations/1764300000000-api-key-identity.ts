import { MigrationInterface, QueryRunner } from 'typeorm';

/** An API key may be bound to one person, or allowed to act for others (act_as), possibly only within a school, a circonscription or an académie. */
export class ApiKeyIdentity1764300000000 implements MigrationInterface {
  name = 'ApiKeyIdentity1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys
      ADD COLUMN person_ent_id text,
      ADD COLUMN act_as_within_kind text CHECK (act_as_within_kind IN ('school', 'circonscription', 'academy')),
      ADD COLUMN act_as_within_id text,
      ADD CONSTRAINT api_keys_act_as_within CHECK ((act_as_within_kind IS NULL) = (act_as_within_id IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_act_as_within, DROP COLUMN person_ent_id, DROP COLUMN act_as_within_kind, DROP COLUMN act_as_within_id`);
  }
}
