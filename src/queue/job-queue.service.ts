import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JsonLogger } from '../common/logging/json-logger';
import { withTimeout } from '../common/with-timeout';
import { EnqueueOptions, JOB_HANDLER_METADATA, JobData, JobDeclarations, JobDefinition, UnrecoverableJobError } from './job';
import { DriverHealth, JobDriver, RunJob } from './job-driver';

export const JOB_DRIVER = Symbol('JOB_DRIVER');

export class JobRegistrationError extends Error {}

/** How long a call to the queue may take before it counts as failed (Redis down or slow): callers never hang on it. */
const QUEUE_CALL_TIMEOUT_MS = 800;

/**
 * The one job API. At boot it finds the jobs every capability declares
 * (`JobsModule.declare`) and every `@OnJob` handler, and refuses to start
 * when a declared job has no handler or two, then starts the driver. Calls to
 * the queue are bounded in time: a job that cannot be queued is the caller's
 * to leave for its database sweep.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private closing = false;

  constructor(
    @Inject(JOB_DRIVER) private readonly driver: JobDriver,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.driver.start(this.collectHandlers());
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.driver.close();
  }

  async enqueue<J extends JobDefinition>(job: J, data: JobData<J>, options: EnqueueOptions = {}): Promise<void> {
    if (this.closing) throw new Error('The job queue is closed');
    if (!this.declared.has(job.name)) throw new JobRegistrationError(`job "${job.name}" is not declared`);
    await withTimeout(this.driver.add(job, job.schema.parse(data), options), QUEUE_CALL_TIMEOUT_MS, `queueing ${job.name}`);
  }

  health(): Promise<DriverHealth> {
    return withTimeout(this.driver.health(), QUEUE_CALL_TIMEOUT_MS, 'queue health').catch((error: unknown) => ({
      driver: this.driver.kind,
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
    }));
  }

  private readonly declared = new Set<string>();

  private collectHandlers(): Map<string, { definition: JobDefinition; run: RunJob }> {
    const found = new Map<string, RunJob[]>();
    const definitions: JobDefinition[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof JobDeclarations) definitions.push(...instance.definitions);
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = (instance as Record<string, unknown>)[method];
        if (typeof handler !== 'function') continue;
        const name = this.reflector.get<string | undefined>(JOB_HANDLER_METADATA, handler);
        if (!name) continue;
        const run: RunJob = (data, context) => handler.call(instance, data, context);
        found.set(name, [...(found.get(name) ?? []), run]);
      }
    }
    const problems: string[] = [];
    const jobs = new Map<string, { definition: JobDefinition; run: RunJob }>();
    for (const definition of definitions) {
      if (this.declared.has(definition.name)) problems.push(`job "${definition.name}" is declared twice`);
      this.declared.add(definition.name);
      const runs = found.get(definition.name) ?? [];
      if (runs.length !== 1) problems.push(`job "${definition.name}" has ${runs.length} handlers (expected exactly one)`);
      else jobs.set(definition.name, { definition, run: this.validating(definition, runs[0]) });
      found.delete(definition.name);
    }
    for (const name of found.keys()) problems.push(`handler for undeclared job "${name}"`);
    if (problems.length) throw new JobRegistrationError(`Job registration failed:\n  ${problems.join('\n  ')}`);
    this.logger.event('info', 'queue.ready', { jobs: [...jobs.keys()] }, 'JobQueue');
    return jobs;
  }

  /** Payloads are re-validated on the way out: a malformed job is dropped, not retried. */
  private validating(definition: JobDefinition, run: RunJob): RunJob {
    return async (data, context) => {
      const parsed = definition.schema.safeParse(data);
      if (!parsed.success) throw new UnrecoverableJobError(`invalid payload for ${definition.name}`);
      await run(parsed.data, context);
    };
  }
}
