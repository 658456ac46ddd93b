import { EntityManager } from 'typeorm';

/** What both connection kinds accept: `pg` prepares a named statement once per connection; PGlite runs the text. */
interface StatementConnection {
  query(statement: { name: string; text: string }, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * A statement on the hot path that PostgreSQL parses and plans once per
 * connection instead of at every call (after a few runs it keeps a generic
 * plan). Runs in `m`'s transaction when it has one.
 */
export class PreparedStatement<Row> {
  constructor(
    private readonly name: string,
    private readonly text: string,
  ) {}

  async run(m: EntityManager, values: unknown[]): Promise<Row[]> {
    const runner = m.queryRunner ?? m.connection.createQueryRunner();
    try {
      const connection = (await runner.connect()) as StatementConnection;
      return (await connection.query({ name: this.name, text: this.text }, values)).rows as Row[];
    } finally {
      if (!m.queryRunner) await runner.release();
    }
  }
}
