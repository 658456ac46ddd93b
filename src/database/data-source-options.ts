import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/config';
import { pgliteDriver } from './pglite-pool';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { DIRECTORY_ENTITIES } from '../directory/directory.entities';
import { IdempotencyKeyEntity } from '../tickets/idempotency-key.entity';
import { TicketEventEntity } from '../tickets/ticket-event.entity';
import { TicketMessageEntity } from '../tickets/ticket-message.entity';
import { TicketEntity } from '../tickets/ticket.entity';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema';
import { KnowledgeBase1763900000000 } from './migrations/1763900000000-knowledge-base';
import { Routing1764000000000 } from './migrations/1764000000000-routing';
import { TextIndexPendingList1764100000000 } from './migrations/1764100000000-text-index-pending-list';
import { OutboxEntity } from '../notifications/outbox.entity';
import { ACCOUNT_ACTION_ENTITIES } from '../admin-actions/admin-actions.entities';
import { SANDBOX_ENTITIES } from '../ent/sandbox/sandbox.entities';
import { EntSandbox1764500000000 } from './migrations/1764500000000-ent-sandbox';
import { AccountActions1764500000001 } from './migrations/1764500000001-account-actions';

export const ENTITIES = [
  TicketEntity,
  TicketMessageEntity,
  TicketEventEntity,
  IdempotencyKeyEntity,
  ApiKeyEntity,
  OutboxEntity,
  ...DIRECTORY_ENTITIES,
  ...SANDBOX_ENTITIES,
  ...ACCOUNT_ACTION_ENTITIES,
];

export const MIGRATIONS = [InitialSchema1763800000000, KnowledgeBase1763900000000, Routing1764000000000, TextIndexPendingList1764100000000, EntSandbox1764500000000, AccountActions1764500000001];

/** One set of options for the app, the CLIs and the tests: PGlite by default, PostgreSQL with DATABASE_URL. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
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
