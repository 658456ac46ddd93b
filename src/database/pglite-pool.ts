import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { Extension, PGlite, Results, types } from '@electric-sql/pglite';

// The contrib entry points ship CommonJS builds but ESM-only type declarations.
/* eslint-disable @typescript-eslint/no-require-imports */
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: Extension };
const { unaccent } = require('@electric-sql/pglite/contrib/unaccent') as { unaccent: Extension };
/* eslint-enable @typescript-eslint/no-require-imports */

/** The subset of a `pg` query result that TypeORM's Postgres driver reads. */
interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: { name: string; dataTypeID: number }[];
}

type ReleaseFn = (error?: unknown) => void;
type ConnectCallback = (error: Error | undefined, client?: PgliteClient, release?: ReleaseFn) => void;

/**
 * Serialises access to the single PGlite session: a client is one checkout,
 * held until released, so a transaction never interleaves with other queries.
 */
class SessionLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let unlock!: () => void;
    const held = new Promise<void>((resolve) => (unlock = resolve));
    const ready = this.tail.then(() => unlock);
    this.tail = this.tail.then(() => held);
    return ready;
  }
}

class PgliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  /** Like `pg`: a statement may come as `{ name, text }` (PGlite has no named statements: the text runs). */
  async query(statement: string | { text: string }, parameters?: unknown[]): Promise<PgLikeResult> {
    const sql = typeof statement === 'string' ? statement : statement.text;
    // Parameterless statements go through the simple protocol so migrations may hold several statements.
    if (!parameters || parameters.length === 0) {
      const results = await this.db.exec(sql);
      return toPgResult(results[results.length - 1], sql);
    }
    return toPgResult(await this.db.query(sql, parameters), sql);
  }
}

function toPgResult(result: Results | undefined, sql: string): PgLikeResult {
  const rows = result?.rows ?? [];
  const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
  return {
    rows,
    rowCount: result?.affectedRows ?? rows.length,
    command,
    fields: (result?.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
  };
}

/**
 * A `pg.Pool` look-alike over an embedded PGlite database, handed to TypeORM's
 * Postgres driver (`driver` option) so the same entities and migrations run
 * on both. int8 and numeric come back as strings, as `pg` returns them.
 */
export class PglitePool extends EventEmitter {
  private static readonly instances = new Map<string, PGlite>();
  private readonly db: PGlite;
  private readonly lock = new SessionLock();

  private readonly dataDir: string;

  constructor(options: { dataDir: string }) {
    super();
    this.dataDir = options.dataDir;
    this.db = PglitePool.open(options.dataDir);
  }

  /** One PGlite instance per data directory in a process: two would corrupt it. */
  private static open(dataDir: string): PGlite {
    const existing = PglitePool.instances.get(dataDir);
    if (existing && !existing.closed) return existing;
    if (dataDir !== 'memory://') {
      mkdirSync(dataDir, { recursive: true });
      claimDataDir(dataDir);
    }
    const db = new PGlite(dataDir, {
      extensions: { unaccent, pg_trgm },
      parsers: { [types.INT8]: (v: string) => v, [types.NUMERIC]: (v: string) => v },
    });
    PglitePool.instances.set(dataDir, db);
    return db;
  }

  static forget(dataDir: string): void {
    PglitePool.instances.delete(dataDir);
  }

  connect(callback?: ConnectCallback): Promise<PgliteClient> | void {
    const checkout = this.db.waitReady
      .then(() => this.lock.acquire())
      .then((unlock) => ({ client: new PgliteClient(this.db), unlock }));
    if (!callback) return checkout.then(({ client }) => client);
    checkout.then(
      ({ client, unlock }) => {
        let released = false;
        callback(undefined, client, () => {
          if (!released) unlock();
          released = true;
        });
      },
      (error: Error) => callback(error),
    );
  }

  end(callback?: (error?: Error) => void): Promise<void> | void {
    const closing = this.lock.acquire().then(async (unlock) => {
      try {
        if (!this.db.closed) await this.db.close();
      } finally {
        releaseDataDir(this.dataDir);
        unlock();
      }
    });
    if (!callback) return closing;
    closing.then(() => callback(), (error: Error) => callback(error));
  }
}

const LOCK_FILE = 'relais.lock';

/**
 * PGlite is single-process: a second process on the same directory would
 * corrupt it. A lock file holding the owner's pid refuses that clearly; a lock
 * left by a killed process is taken over.
 */
function claimDataDir(dataDir: string): void {
  const lock = join(dataDir, LOCK_FILE);
  try {
    const owner = Number(readFileSync(lock, 'utf8'));
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new Error(`The embedded database in ${dataDir} is in use by process ${owner}; stop it first (or set DATABASE_URL).`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  writeFileSync(lock, String(process.pid));
}

function releaseDataDir(dataDir: string): void {
  if (dataDir === 'memory://') return;
  PglitePool.forget(dataDir);
  rmSync(join(dataDir, LOCK_FILE), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What TypeORM's `driver` option expects: an object with a Pool constructor. */
export const pgliteDriver = { Pool: PglitePool };
