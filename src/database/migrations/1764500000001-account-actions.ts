import { MigrationInterface, QueryRunner } from 'typeorm';

export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * Guarded account actions: linked ENT accounts (grants encrypted) and the chat
 * identities linked to them, one-time link requests, single-use confirmations,
 * approvals, usage counted for rate limits, and the hash-chained audit log.
 */
export class AccountActions1764500000001 implements MigrationInterface {
  name = 'AccountActions1764500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ent_accounts (
      ent_user_id text PRIMARY KEY, login text NOT NULL, display_name text NOT NULL, profile text NOT NULL,
      structure_ids text[] NOT NULL, class_ids text[] NOT NULL, child_ids text[] NOT NULL, functions jsonb NOT NULL,
      grant_box text NOT NULL, grant_expires_at timestamptz NOT NULL,
      linked_at timestamptz NOT NULL, refreshed_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX ent_accounts_structures ON ent_accounts USING gin (structure_ids)`);
    await q.query(`CREATE TABLE chat_links (
      id uuid PRIMARY KEY, channel text NOT NULL CHECK (channel IN ('slack','discord','webchat')),
      external_id text NOT NULL, display_name text,
      ent_user_id text NOT NULL REFERENCES ent_accounts(ent_user_id) ON DELETE CASCADE,
      linked_at timestamptz NOT NULL, UNIQUE (channel, external_id))`);
    await q.query(`CREATE INDEX chat_links_person ON chat_links (ent_user_id)`);
    await q.query(`CREATE TABLE link_requests (
      id uuid PRIMARY KEY, channel text NOT NULL, external_id text NOT NULL, display_name text,
      token_digest text NOT NULL UNIQUE, state_digest text UNIQUE,
      created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL, used_at timestamptz)`);
    await q.query(`CREATE TABLE account_action_confirmations (
      id uuid PRIMARY KEY, token_digest text NOT NULL UNIQUE, actor_key text NOT NULL,
      action text NOT NULL, payload jsonb NOT NULL,
      created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL, used_at timestamptz)`);
    await q.query(`CREATE TABLE account_approvals (
      id uuid PRIMARY KEY, status text NOT NULL CHECK (status IN ('pending','approved','refused','expired')),
      requester_key text NOT NULL, requester_channel text NOT NULL, requester_name text, requester_ent_user_id text,
      target_login text NOT NULL, target_ent_user_id text, target_name text,
      structure_id text NOT NULL, class_ids text[] NOT NULL, candidate_ent_user_ids text[] NOT NULL,
      decided_by text, decided_by_name text, decided_at timestamptz,
      created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX account_approvals_pending ON account_approvals (structure_id, created_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX account_approvals_expiry ON account_approvals (expires_at) WHERE status = 'pending'`);
    await q.query(`CREATE TABLE account_action_usage (
      id uuid PRIMARY KEY, actor_key text NOT NULL, target_key text, kind text NOT NULL, at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX account_action_usage_actor ON account_action_usage (actor_key, at)`);
    await q.query(`CREATE INDEX account_action_usage_target ON account_action_usage (target_key, at)`);

    await q.query(`CREATE TABLE account_audit_log (
      seq bigint PRIMARY KEY, at timestamptz NOT NULL,
      actor_key text NOT NULL, actor_ent_user_id text, actor_name text, channel text NOT NULL,
      action text NOT NULL, target_ent_user_id text, target_login text, target_name text,
      outcome text NOT NULL CHECK (outcome IN ('done','refused','failed','requested')), reason text,
      details jsonb NOT NULL, prev_hash text NOT NULL, hash text NOT NULL)`);
    await q.query(`CREATE INDEX account_audit_log_at ON account_audit_log (at)`);
    // Nothing rewrites history: the chain makes an edit visible, the trigger refuses it in the first place.
    await q.query(`CREATE TRIGGER account_audit_log_append_only BEFORE UPDATE OR DELETE ON account_audit_log
      FOR EACH ROW EXECUTE FUNCTION relais_refuse_change()`);
    // The chain's head: a removed last row shows as a head that points past the end.
    await q.query(`CREATE TABLE account_audit_head (id smallint PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL)`);
    await q.query(`INSERT INTO account_audit_head (id, seq, hash) VALUES (1, 0, '${AUDIT_GENESIS_HASH}')`);
    await q.query(`CREATE TRIGGER account_audit_head_kept BEFORE DELETE ON account_audit_head
      FOR EACH ROW EXECUTE FUNCTION relais_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['account_audit_head', 'account_audit_log', 'account_action_usage', 'account_approvals',
      'account_action_confirmations', 'link_requests', 'chat_links', 'ent_accounts']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
