import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MicroBatcher } from '../../common/micro-batcher';
import { PreparedStatement } from '../../database/prepared-statement';

/** Misspellings closer than this to a known lexeme are read as that lexeme. */
const CORRECTION_SIMILARITY = 0.5;
/** Shorter lexemes are too ambiguous to correct ("pas" vs "pass"). */
const CORRECTION_MIN_LENGTH = 4;
const HAS_DIGIT = /\d/;
/** Corrections remembered (unknown words: names, typos); starts over beyond this. */
const CORRECTIONS_KEPT = 50_000;

interface LexemeRow {
  i?: number;
  lexeme: string;
  positions: number[] | null;
}

/** Lexemes of several texts (`i`: the text's place, from 1). Runs for every message and every new ticket. */
const TEXTS_LEXEMES = new PreparedStatement<LexemeRow>(
  'relais_texts_lexemes',
  `SELECT p.i::int AS i, t.lexeme, t.positions
     FROM unnest($1::text[]) WITH ORDINALITY AS p(txt, i)
    CROSS JOIN LATERAL unnest(to_tsvector('relais_fr', p.txt)) AS t`,
);

/**
 * PostgreSQL's French text search does the linguistics (word splitting,
 * stop words, unaccent, Snowball stemming) and pg_trgm corrects misspelt words
 * against the knowledge base's vocabulary: the same on PGlite and PostgreSQL.
 */
@Injectable()
export class TextAnalyzer {
  /** The knowledge base's lexemes (kb_lexemes), set at boot. */
  private vocabulary: ReadonlySet<string> = new Set();
  /** Unknown lexeme → the known lexeme it is read as (itself when none is close). */
  private readonly corrections = new Map<string, string>();
  /** Messages analysed at the same moment (concurrent requests) share one round trip. */
  private readonly messages = new MicroBatcher<string, LexemeRow[]>((texts) => this.lexemeRows(texts));

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Lexemes of each text, in text order. One round trip for all. */
  async analyseMany(texts: readonly string[]): Promise<string[][]> {
    const rows = await this.lexemeRows(texts);
    return rows.map((r) => inTextOrder(r, (row) => row.lexeme));
  }

  /**
   * Lexemes of a message, each misspelt one replaced by the closest known
   * lexeme. The vocabulary is fixed at boot, so corrections are remembered:
   * one round trip (shared with the messages analysed at the same moment),
   * two when the message brings a word never seen before.
   */
  async analyseMessage(text: string): Promise<string[]> {
    const rows = await this.messages.run(text);
    const unseen = [...new Set(rows.map((r) => r.lexeme).filter((l) => this.needsCorrection(l) && !this.corrections.has(l)))];
    if (unseen.length) await this.learnCorrections(unseen);
    return inTextOrder(rows, (row) => (this.needsCorrection(row.lexeme) ? (this.corrections.get(row.lexeme) ?? row.lexeme) : row.lexeme));
  }

  private async lexemeRows(texts: readonly string[]): Promise<LexemeRow[][]> {
    const rows = await TEXTS_LEXEMES.run(this.db.manager, [texts]);
    const byText: LexemeRow[][] = texts.map(() => []);
    for (const row of rows) byText[row.i! - 1].push(row);
    return byText;
  }

  /** Makes the vocabulary exactly `lexemes` (the articles may have changed since the last boot). */
  async replaceVocabulary(lexemes: readonly string[]): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(`DELETE FROM kb_lexemes WHERE NOT (lexeme = ANY($1::text[]))`, [lexemes]);
      await m.query(`INSERT INTO kb_lexemes (lexeme) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [lexemes]);
    });
    this.vocabulary = new Set(lexemes);
    this.corrections.clear();
  }

  /**
   * Short lexemes are too ambiguous to correct ("pas" vs "pass"), known ones
   * need nothing, and numbers (dates, ids, phone numbers) are never misspelt words.
   */
  private needsCorrection(lexeme: string): boolean {
    return lexeme.length >= CORRECTION_MIN_LENGTH && !HAS_DIGIT.test(lexeme) && !this.vocabulary.has(lexeme);
  }

  private async learnCorrections(lexemes: string[]): Promise<void> {
    const rows: { lexeme: string; known: string | null }[] = await this.db.query(
      `SELECT u.lexeme,
              (SELECT k.lexeme FROM kb_lexemes k
                WHERE k.lexeme % u.lexeme AND similarity(k.lexeme, u.lexeme) >= $2
                ORDER BY similarity(k.lexeme, u.lexeme) DESC, k.lexeme
                LIMIT 1) AS known
         FROM unnest($1::text[]) AS u(lexeme)`,
      [lexemes, CORRECTION_SIMILARITY],
    );
    if (this.corrections.size + rows.length > CORRECTIONS_KEPT) this.corrections.clear();
    for (const row of rows) this.corrections.set(row.lexeme, row.known ?? row.lexeme);
  }
}

/** A tsvector lists each lexeme once with its positions; put them back in reading order. */
function inTextOrder(rows: LexemeRow[], pick: (row: LexemeRow) => string): string[] {
  const placed: [number, string][] = [];
  for (const row of rows) {
    for (const position of row.positions ?? [0]) placed.push([position, pick(row)]);
  }
  return placed.sort((a, b) => a[0] - b[0]).map(([, lexeme]) => lexeme);
}
