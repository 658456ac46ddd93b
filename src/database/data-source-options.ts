import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSourceOptions, MigrationInterface } from 'typeorm';
import { AppConfig } from '../config/config';
import { pgliteDriver } from './pglite-pool';

const MIGRATIONS_DIR = join(__dirname, 'migrations');

/**
 * Every migration in `migrations/` (a new one is a new file, no list to edit),
 * in the order of their timestamped names, which TypeORM checks again.
 */
export function loadMigrations(dir = MIGRATIONS_DIR): (new () => MigrationInterface)[] {
  return readdirSync(dir)
    .filter((file) => /^\d+-[\w-]+\.(js|ts)$/.test(file) && !file.endsWith('.d.ts'))
    .sort()
    .flatMap((file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = require(join(dir, file)) as Record<string, unknown>;
      return Object.values(exported).filter((value): value is new () => MigrationInterface => typeof value === 'function');
    });
}

/**
 * One set of options for the app, the CLIs and the tests: PGlite by default,
 * PostgreSQL with DATABASE_URL. Entities are declared by the module that owns
 * them (`TypeOrmModule.forFeature`) and loaded from there.
 */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    migrations: loadMigrations(),
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (config.database.kind === 'postgres') {
    // Idle connections are kept a minute (pg's default is 10 s): when load picks up again, a new one
    // costs the request that opens it a SCRAM handshake and re-preparing the hot statements.
    return { ...common, url: config.database.url, extra: { max: config.database.poolSize, idleTimeoutMillis: 60_000 } };
  }
  return { ...common, driver: pgliteDriver, extra: { dataDir: config.database.dataDir } };
}
