import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Misspellings closer than this to a known lexeme are read as that lexeme. */
const CORRECTION_SIMILARITY = 0.5;
/** Shorter lexemes are too ambiguous to correct ("pas" vs "pass"). */
const CORRECTION_MIN_LENGTH = 4;

interface LexemeRow {
  i?: number;
  lexeme: string;
  positions: number[] | null;
  known?: string | null;
}

/**
 * PostgreSQL's French text search does the linguistics (word splitting,
 * stop words, unaccent, Snowball stemming) and pg_trgm corrects misspelt words
 * against the knowledge base's vocabulary: the same on PGlite and PostgreSQL.
 */
@Injectable()
export class TextAnalyzer {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Lexemes of each text, in text order. One round trip for all. */
  async analyseMany(texts: readonly string[]): Promise<string[][]> {
    const rows: LexemeRow[] = await this.db.query(
      `SELECT p.i::int AS i, t.lexeme, t.positions
         FROM unnest($1::text[]) WITH ORDINALITY AS p(txt, i)
        CROSS JOIN LATERAL unnest(to_tsvector('relais_fr', p.txt)) AS t`,
      [texts],
    );
    const byText: LexemeRow[][] = texts.map(() => []);
    for (const row of rows) byText[row.i! - 1].push(row);
    return byText.map((r) => inTextOrder(r, (row) => row.lexeme));
  }

  /** Lexemes of a message, each misspelt one replaced by the closest known lexeme. One round trip. */
  async analyseMessage(text: string): Promise<string[]> {
    const rows: LexemeRow[] = await this.db.query(
      `SELECT t.lexeme, t.positions,
              CASE WHEN length(t.lexeme) < $2 OR EXISTS (SELECT 1 FROM kb_lexemes k WHERE k.lexeme = t.lexeme)
                   THEN t.lexeme
                   ELSE (SELECT k.lexeme FROM kb_lexemes k
                          WHERE k.lexeme % t.lexeme AND similarity(k.lexeme, t.lexeme) >= $3
                          ORDER BY similarity(k.lexeme, t.lexeme) DESC, k.lexeme
                          LIMIT 1)
              END AS known
         FROM unnest(to_tsvector('relais_fr', $1)) AS t`,
      [text, CORRECTION_MIN_LENGTH, CORRECTION_SIMILARITY],
    );
    return inTextOrder(rows, (row) => row.known ?? row.lexeme);
  }

  /** Makes the vocabulary exactly `lexemes` (the articles may have changed since the last boot). */
  async replaceVocabulary(lexemes: readonly string[]): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(`DELETE FROM kb_lexemes WHERE NOT (lexeme = ANY($1::text[]))`, [lexemes]);
      await m.query(`INSERT INTO kb_lexemes (lexeme) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [lexemes]);
    });
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
