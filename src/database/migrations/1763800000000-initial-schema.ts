import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tickets, their history, API keys and the organisation directory. */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // unaccent() is only STABLE; an IMMUTABLE wrapper lets indexes use it.
    await q.query(`CREATE OR REPLACE FUNCTION relais_unaccent(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`);

    await q.query(`CREATE TABLE academies (
      id uuid PRIMARY KEY, code text NOT NULL UNIQUE, name text NOT NULL)`);
    await q.query(`CREATE TABLE circonscriptions (
      id uuid PRIMARY KEY, academy_id uuid NOT NULL REFERENCES academies(id),
      code text NOT NULL UNIQUE, name text NOT NULL,
      slack_channel_id text, discord_channel_id text)`);
    await q.query(`CREATE TABLE schools (
      id uuid PRIMARY KEY, circonscription_id uuid NOT NULL REFERENCES circonscriptions(id),
      structure_id text NOT NULL UNIQUE, uai text NOT NULL UNIQUE, name text NOT NULL,
      level text NOT NULL CHECK (level IN ('primary','secondary')), city text)`);
    await q.query(`CREATE TABLE people (
      id uuid PRIMARY KEY, ent_user_id text UNIQUE, login text, display_name text NOT NULL,
      profile text CHECK (profile IN ('Teacher','Personnel','Relative','Student','Guest')),
      email text, slack_user_id text UNIQUE, discord_user_id text UNIQUE)`);
    await q.query(`CREATE TABLE person_roles (
      id uuid PRIMARY KEY, person_id uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('school_admin','director','erun','academic_support','editor_support')),
      school_id uuid REFERENCES schools(id), circonscription_id uuid REFERENCES circonscriptions(id),
      academy_id uuid REFERENCES academies(id))`);
    await q.query(`CREATE INDEX person_roles_person ON person_roles (person_id)`);

    await q.query(`CREATE TABLE api_keys (
      id uuid PRIMARY KEY, name text NOT NULL, prefix text NOT NULL UNIQUE, secret_hash text NOT NULL,
      scopes text[] NOT NULL, created_at timestamptz NOT NULL, revoked_at timestamptz)`);

    await q.query(`CREATE SEQUENCE ticket_reference_seq`);
    await q.query(`CREATE TABLE tickets (
      id uuid PRIMARY KEY,
      reference text NOT NULL UNIQUE,
      source_channel text NOT NULL CHECK (source_channel IN ('ent','slack','discord','web','api')),
      ent_ticket_id text UNIQUE,
      requester_ent_id text NOT NULL, requester_login text, requester_name text NOT NULL,
      requester_profile text CHECK (requester_profile IN ('Teacher','Personnel','Relative','Student','Guest')),
      school_structure_id text, school_uai text,
      subject text NOT NULL, description text NOT NULL, ent_category text,
      intent text, category text, tier text,
      assignee_id text, assignee_name text,
      priority text NOT NULL CHECK (priority IN ('mineur','majeur','bloquant')),
      status smallint NOT NULL CHECK (status BETWEEN 1 AND 5),
      escalation_status smallint NOT NULL CHECK (escalation_status BETWEEN 1 AND 4),
      first_response_due_at timestamptz, resolution_due_at timestamptz,
      created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
      version int NOT NULL DEFAULT 1)`);
    await q.query(`CREATE INDEX tickets_status ON tickets (status, created_at DESC)`);
    await q.query(`CREATE INDEX tickets_school ON tickets (school_structure_id, created_at DESC)`);
    await q.query(`CREATE INDEX tickets_requester ON tickets (requester_ent_id, created_at DESC)`);
    await q.query(`CREATE INDEX tickets_assignee ON tickets (assignee_id)`);
    await q.query(`CREATE INDEX tickets_tier ON tickets (tier)`);
    await q.query(`CREATE INDEX tickets_created ON tickets (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tickets_text ON tickets
      USING gin (relais_unaccent(lower(subject || ' ' || description)) gin_trgm_ops)`);

    await q.query(`CREATE TABLE ticket_messages (
      id uuid PRIMARY KEY, ticket_id uuid NOT NULL REFERENCES tickets(id),
      author_id text NOT NULL, author_name text NOT NULL,
      visibility text NOT NULL CHECK (visibility IN ('public','internal')),
      channel text NOT NULL, body text NOT NULL, external_id text,
      created_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, created_at)`);
    await q.query(`CREATE UNIQUE INDEX ticket_messages_external ON ticket_messages (ticket_id, external_id)
      WHERE external_id IS NOT NULL`);

    await q.query(`CREATE TABLE ticket_events (
      seq int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ticket_id uuid NOT NULL REFERENCES tickets(id),
      type text NOT NULL, actor_kind text NOT NULL, actor_id text NOT NULL, actor_name text,
      before jsonb, after jsonb, at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, seq)`);
    await q.query(`CREATE FUNCTION relais_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`);
    await q.query(`CREATE TRIGGER ticket_events_append_only BEFORE UPDATE OR DELETE ON ticket_events
      FOR EACH ROW EXECUTE FUNCTION relais_refuse_change()`);

    await q.query(`CREATE TABLE idempotency_keys (
      api_key_id uuid NOT NULL REFERENCES api_keys(id), key text NOT NULL,
      request_hash text NOT NULL, ticket_id uuid NOT NULL REFERENCES tickets(id),
      created_at timestamptz NOT NULL, PRIMARY KEY (api_key_id, key))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'ticket_events', 'ticket_messages', 'tickets', 'api_keys',
      'person_roles', 'people', 'schools', 'circonscriptions', 'academies']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP SEQUENCE IF EXISTS ticket_reference_seq`);
    await q.query(`DROP FUNCTION IF EXISTS relais_refuse_change()`);
    await q.query(`DROP FUNCTION IF EXISTS relais_unaccent(text)`);
  }
}
