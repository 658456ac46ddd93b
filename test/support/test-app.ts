import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import Redis from 'ioredis';
import { Client } from 'pg';
import request from 'supertest';
import { ApiKeyService, KeyIdentity } from '../../src/auth/api-key.service';
import { Scope } from '../../src/auth/scopes';
import { AppOptions } from '../../src/app.module';
import { createApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/config';

export const TEST_ENT_SECRET = 'test-ent-intake-secret-0123456789';

/**
 * A fresh, isolated backing store for one test suite: a temporary PGlite
 * directory, or a new PostgreSQL database when DATABASE_URL is set; a unique
 * Bull prefix when REDIS_URL is set.
 */
export class TestStore {
  readonly env: NodeJS.ProcessEnv;
  private readonly cleanup: (() => Promise<void>)[] = [];

  private constructor(env: NodeJS.ProcessEnv) {
    this.env = env;
  }

  /**
   * `backend` defaults to what the environment names (as CI sets it); the
   * benchmarks pass it explicitly to measure both drivers in one run.
   */
  static async create(
    extra: NodeJS.ProcessEnv = {},
    backend: { databaseUrl?: string; redisUrl?: string } = { databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL },
  ): Promise<TestStore> {
    const env: NodeJS.ProcessEnv = {
      LOG_LEVEL: 'error',
      DEMO_DATA: 'true',
      ENT_INTAKE_SECRET: TEST_ENT_SECRET,
      API_KEY_CACHE_SECONDS: '0',
      QUEUE_PREFIX: `relais-test-${randomUUID().slice(0, 8)}`,
      ...extra,
    };
    const store = new TestStore(env);
    if (backend.redisUrl) {
      env.REDIS_URL = backend.redisUrl;
      // A suite's delayed jobs (SLA checks due days later) would otherwise stay in Redis for good.
      store.cleanup.push(() => deleteRedisKeys(backend.redisUrl!, `${env.QUEUE_PREFIX}:*`));
    }
    const serverUrl = backend.databaseUrl;
    if (serverUrl) {
      const name = `relais_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const admin = new Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      env.DATABASE_URL = url.toString();
      store.cleanup.push(() => dropDatabase(serverUrl, name));
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'relais-test-'));
      env.DATA_DIR = dir;
      store.cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    }
    return store;
  }

  config(): AppConfig {
    return loadConfig(this.env);
  }

  async destroy(): Promise<void> {
    for (const step of this.cleanup.reverse()) await step();
  }
}

/**
 * FORCE ends the suite's own connections, but not an autovacuum worker that
 * started on the database meanwhile (it belongs to another role): PostgreSQL
 * refuses the drop then, and the worker soon gives way.
 */
async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const c = new Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (error) {
      if (attempt >= 5 || (error as { code?: string }).code !== '42501') throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await c.end();
    }
  }
}

async function deleteRedisKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

export type Agent = ReturnType<typeof request>;

/** The real application, booted on a TestStore, with helpers to call it over HTTP. */
export class TestApp {
  private constructor(
    readonly app: NestExpressApplication,
    readonly store: TestStore,
    readonly http: Agent,
  ) {}

  static async start(store: TestStore, options: AppOptions = {}): Promise<TestApp> {
    const app = await createApp(store.config(), options);
    await app.init();
    return new TestApp(app, store, request(app.getHttpServer()));
  }

  /** Creates an API key through the real service and returns the Authorization header value. */
  async apiKey(scopes: Scope[], name = 'test', identity: KeyIdentity = {}): Promise<string> {
    const { key } = await this.app.get(ApiKeyService).create(name, scopes, identity);
    return `Bearer ${key}`;
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

export const DRIVERS = {
  database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
  queue: process.env.REDIS_URL ? 'bull' : 'in-process',
};
