import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { z } from 'zod';
import { CommonModule } from '../src/common/common.module';
import { JsonLogger } from '../src/common/logging/json-logger';
import { loadConfig } from '../src/config/config';
import { ConfigModule } from '../src/config/config.module';
import { BullDriver } from '../src/queue/bull.driver';
import { InProcessDriver } from '../src/queue/in-process.driver';
import { defineJob, JobContext, JobsModule, OnJob, UnrecoverableJobError } from '../src/queue/job';
import { JobDriver, RunJob } from '../src/queue/job-driver';
import { JobQueue, JobRegistrationError } from '../src/queue/job-queue.service';
import { QueueModule } from '../src/queue/queue.module';
import { DRIVERS } from './support/test-app';

const probeJob = defineJob({ name: 'test.probe', schema: z.object({ n: z.number() }), attempts: 3, backoffMs: 20 });

const driverErrors: unknown[] = [];

function makeDriver(): JobDriver {
  return process.env.REDIS_URL
    ? new BullDriver(process.env.REDIS_URL, `relais-test-${randomUUID().slice(0, 8)}`, (error) => driverErrors.push(error))
    : new InProcessDriver(new JsonLogger('silent'));
}

function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('condition not met in time'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

describe(`job driver (${DRIVERS.queue})`, () => {
  let driver: JobDriver;
  const runs: { data: unknown; context: JobContext; at: number }[] = [];
  let behaviour: (data: { n: number }, context: JobContext) => Promise<void> = async () => undefined;

  beforeAll(async () => {
    driver = makeDriver();
    const run: RunJob = async (data, context) => {
      runs.push({ data, context, at: Date.now() });
      await behaviour(data as { n: number }, context);
    };
    await driver.start(new Map([[probeJob.name, { definition: probeJob, run }]]));
  });
  afterAll(() => driver.close());
  beforeEach(() => {
    runs.length = 0;
  });

  it('runs a job with its data', async () => {
    behaviour = async () => undefined;
    await driver.add(probeJob, { n: 1 }, {});
    await waitFor(() => runs.length === 1);
    expect(runs[0].data).toEqual({ n: 1 });
    expect(runs[0].context.attempt).toBe(1);
  });

  it('waits for the delay', async () => {
    behaviour = async () => undefined;
    const added = Date.now();
    await driver.add(probeJob, { n: 2 }, { delayMs: 300 });
    await waitFor(() => runs.length === 1);
    expect(runs[0].at - added).toBeGreaterThanOrEqual(250);
  });

  it('retries a failing job with growing delays, up to its attempts', async () => {
    behaviour = async () => {
      throw new Error('target down');
    };
    await driver.add(probeJob, { n: 3 }, {});
    await waitFor(() => runs.length === 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(runs.map((r) => r.context.attempt)).toEqual([1, 2, 3]);
    // Backoff 20 ms then 40 ms: the retries cannot come sooner than that (timers may make them later).
    expect(runs[1].at - runs[0].at).toBeGreaterThanOrEqual(15);
    expect(runs[2].at - runs[0].at).toBeGreaterThanOrEqual(55);
  });

  it('does not retry an unrecoverable failure', async () => {
    behaviour = async () => {
      throw new UnrecoverableJobError('bad data');
    };
    await driver.add(probeJob, { n: 4 }, {});
    await waitFor(() => runs.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toHaveLength(1);
  });

  it('adds a job id only once while it is pending', async () => {
    behaviour = async () => undefined;
    await driver.add(probeJob, { n: 5 }, { jobId: 'once', delayMs: 100 });
    await driver.add(probeJob, { n: 6 }, { jobId: 'once', delayMs: 100 });
    await waitFor(() => runs.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(runs.map((r) => r.data)).toEqual([{ n: 5 }]);
  });

  it('reports its health', async () => {
    expect(await driver.health()).toMatchObject({ ok: true, driver: DRIVERS.queue });
  });

  it('met no connection error on the way', () => {
    expect(driverErrors).toEqual([]);
  });
});

describe(`a closed job driver (${DRIVERS.queue})`, () => {
  it('refuses new jobs instead of reopening a connection nobody would close', async () => {
    const driver = makeDriver();
    await driver.start(new Map([[probeJob.name, { definition: probeJob, run: async () => undefined }]]));
    await driver.close();
    await expect(driver.add(probeJob, { n: 7 }, {})).rejects.toThrow(/closed/);
    expect(await driver.health()).toMatchObject({ ok: false });
  });
});

describe('job registration at boot', () => {
  // Registration is checked before any driver starts; the in-process driver keeps these
  // boot-and-stop-at-once cases off Redis, where an instant close can race Bull's start-up.
  const config = () => loadConfig({ ...process.env, REDIS_URL: undefined, LOG_LEVEL: 'silent' });
  const declared = defineJob({ name: 'test.declared', schema: z.object({}), attempts: 1, backoffMs: 10 });

  @Injectable()
  class HandlerA {
    @OnJob(declared)
    async run(): Promise<void> {}
  }
  @Injectable()
  class HandlerB {
    @OnJob(declared)
    async run(): Promise<void> {}
  }
  @Injectable()
  class StrayHandler {
    @OnJob(probeJob)
    async run(): Promise<void> {}
  }

  /** A capability that declares `declared`, with the given handlers. */
  async function boot(providers: (new () => object)[], declarations = [JobsModule.declare(declared)]) {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config()), CommonModule, QueueModule, ...declarations],
      providers,
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    try {
      await app.init();
      return app.get(JobQueue);
    } finally {
      await app.close();
    }
  }

  it('fails when a declared job has no handler', async () => {
    await expect(boot([])).rejects.toThrow(/job "test.declared" has 0 handlers/);
  });

  it('fails when a job has two handlers', async () => {
    await expect(boot([HandlerA, HandlerB])).rejects.toThrow(JobRegistrationError);
  });

  it('fails on a handler for an undeclared job', async () => {
    await expect(boot([HandlerA, StrayHandler])).rejects.toThrow(/undeclared job "test.probe"/);
  });

  it('fails when two capabilities declare the same job', async () => {
    await expect(boot([HandlerA], [JobsModule.declare(declared), JobsModule.declare(declared, probeJob)])).rejects.toThrow(/declared twice/);
  });

  it('boots with exactly one handler per declared job', async () => {
    await expect(boot([HandlerA])).resolves.toBeInstanceOf(JobQueue);
  });

  it('refuses to queue a job nobody declared', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config()), CommonModule, QueueModule, JobsModule.declare(declared)],
      providers: [HandlerA],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      await expect(app.get(JobQueue).enqueue(probeJob, { n: 1 })).rejects.toThrow(/not declared/);
    } finally {
      await app.close();
    }
  });
});
