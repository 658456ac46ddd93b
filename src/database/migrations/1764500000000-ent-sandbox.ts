import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sandbox ENT: the demo académie's accounts as the ENT keeps them (structures,
 * classes, functions, activation, blocking), with its codes, OAuth2 tokens, mass
 * block traces and the mail it sends. Codes and tokens are stored as digests,
 * passwords as scrypt hashes, mail encrypted.
 */
export class EntSandbox1764500000000 implements MigrationInterface {
  name = 'EntSandbox1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sandbox_ent_structures (id text PRIMARY KEY, name text NOT NULL)`);
    await q.query(`CREATE TABLE sandbox_ent_classes (
      id text PRIMARY KEY, structure_id text NOT NULL REFERENCES sandbox_ent_structures(id), name text NOT NULL)`);
    await q.query(`CREATE TABLE sandbox_ent_users (
      id text PRIMARY KEY, login text NOT NULL UNIQUE,
      first_name text NOT NULL, last_name text NOT NULL, display_name text NOT NULL,
      profile text NOT NULL CHECK (profile IN ('Teacher','Personnel','Relative','Student','Guest')),
      source text NOT NULL,
      structure_ids text[] NOT NULL DEFAULT '{}', class_ids text[] NOT NULL DEFAULT '{}', child_ids text[] NOT NULL DEFAULT '{}',
      functions jsonb NOT NULL DEFAULT '[]',
      email text, mobile text,
      password_hash text, activation_code_digest text,
      blocked boolean NOT NULL DEFAULT false,
      CHECK (password_hash IS NOT NULL OR activation_code_digest IS NOT NULL))`);
    await q.query(`CREATE INDEX sandbox_ent_users_structures ON sandbox_ent_users USING gin (structure_ids)`);
    await q.query(`CREATE INDEX sandbox_ent_users_children ON sandbox_ent_users USING gin (child_ids)`);
    await q.query(`CREATE TABLE sandbox_ent_codes (
      id uuid PRIMARY KEY, user_id text NOT NULL REFERENCES sandbox_ent_users(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('renewal','reset')), code_digest text NOT NULL,
      created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL,
      used_at timestamptz, revoked_at timestamptz, failed_attempts int NOT NULL DEFAULT 0)`);
    await q.query(`CREATE INDEX sandbox_ent_codes_user ON sandbox_ent_codes (user_id, created_at)`);
    await q.query(`CREATE TABLE sandbox_ent_tokens (
      token_digest text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('authorization_code','access','refresh','reset_ticket','activation_ticket')),
      user_id text NOT NULL REFERENCES sandbox_ent_users(id) ON DELETE CASCADE,
      redirect_uri text, code_id uuid REFERENCES sandbox_ent_codes(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL, used_at timestamptz)`);
    await q.query(`CREATE INDEX sandbox_ent_tokens_user ON sandbox_ent_tokens (user_id)`);
    await q.query(`CREATE TABLE sandbox_ent_block_traces (
      id uuid PRIMARY KEY, structure_id text NOT NULL REFERENCES sandbox_ent_structures(id),
      profile text NOT NULL, action text NOT NULL CHECK (action IN ('BLOCK','UNBLOCK')), created_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE sandbox_ent_mailbox (
      id uuid PRIMARY KEY, user_id text NOT NULL REFERENCES sandbox_ent_users(id) ON DELETE CASCADE,
      channel text NOT NULL CHECK (channel IN ('mail','mobile')), address text NOT NULL,
      body_box text NOT NULL, created_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['sandbox_ent_mailbox', 'sandbox_ent_block_traces', 'sandbox_ent_tokens', 'sandbox_ent_codes',
      'sandbox_ent_users', 'sandbox_ent_classes', 'sandbox_ent_structures']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
