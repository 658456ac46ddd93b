import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Knowledge base: a French text-search configuration that ignores accents, the
 * vocabulary used to correct misspelt words by trigram similarity, and the
 * record of answers given and whether they helped (deflection per intent).
 */
export class KnowledgeBase1763900000000 implements MigrationInterface {
  name = 'KnowledgeBase1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TEXT SEARCH CONFIGURATION relais_fr (COPY = pg_catalog.french)`);
    await q.query(`ALTER TEXT SEARCH CONFIGURATION relais_fr
      ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, french_stem`);

    await q.query(`CREATE TABLE kb_lexemes (lexeme text PRIMARY KEY)`);
    await q.query(`CREATE INDEX kb_lexemes_trigram ON kb_lexemes USING gin (lexeme gin_trgm_ops)`);

    // The message itself is not kept: it may hold personal details.
    await q.query(`CREATE TABLE kb_answers (
      id uuid PRIMARY KEY,
      intent text NOT NULL, category text NOT NULL, confidence real NOT NULL,
      profile text, detected_profile text, route text NOT NULL,
      school_structure_id text, created_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX kb_answers_intent ON kb_answers (intent, created_at)`);
    await q.query(`CREATE TABLE kb_feedback (
      answer_id uuid PRIMARY KEY REFERENCES kb_answers(id),
      helpful boolean NOT NULL, created_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS kb_feedback`);
    await q.query(`DROP TABLE IF EXISTS kb_answers`);
    await q.query(`DROP TABLE IF EXISTS kb_lexemes`);
    await q.query(`DROP TEXT SEARCH CONFIGURATION IF EXISTS relais_fr`);
  }
}
