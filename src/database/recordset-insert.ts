import { EntityManager, EntityMetadata } from 'typeorm';
import { PreparedStatement } from './prepared-statement';

/**
 * Inserts many rows of an entity in one prepared statement whose only
 * parameter is the rows as JSON (`jsonb_to_recordset`). TypeORM's insert
 * builder names and escapes a parameter per column and row: for the hundreds
 * of rows the notification relay writes at once, that cost milliseconds of
 * CPU per batch on the event loop, more than the database's own work.
 * Generated columns are left to the database.
 */
export class RecordsetInsert<Entity extends object, Returned = never> {
  private readonly columns: { name: string; property: string }[];
  private readonly statement: PreparedStatement<Returned>;

  constructor(
    name: string,
    metadata: EntityMetadata,
    options: { onConflictDoNothing?: boolean; returning?: string[] } = {},
  ) {
    const columns = metadata.columns.filter((c) => !c.isGenerated);
    this.columns = columns.map((c) => ({ name: c.databaseName, property: c.propertyName }));
    const names = columns.map((c) => `"${c.databaseName}"`).join(', ');
    const types = columns.map((c) => `"${c.databaseName}" ${String(c.type)}`).join(', ');
    this.statement = new PreparedStatement(
      name,
      `INSERT INTO "${metadata.tableName}" (${names})
       SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS r(${types})
       ${options.onConflictDoNothing ? 'ON CONFLICT DO NOTHING' : ''}
       ${options.returning?.length ? `RETURNING ${options.returning.map((c) => `"${c}"`).join(', ')}` : ''}`,
    );
  }

  /** In `m`'s transaction when it has one; the rows `returning` asked for (those inserted). */
  async run(m: EntityManager, rows: readonly Entity[]): Promise<Returned[]> {
    if (rows.length === 0) return [];
    const records = rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (const c of this.columns) record[c.name] = (row as Record<string, unknown>)[c.property] ?? null;
      return record;
    });
    return this.statement.run(m, [JSON.stringify(records)]);
  }
}
