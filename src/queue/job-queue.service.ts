import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JsonLogger } from '../common/logging/json-logger';
import { EnqueueOptions, JOB_HANDLER_METADATA, JobData, JobDefinition, UnrecoverableJobError } from './job';
import { DriverHealth, JobDriver, RunJob } from './job-driver';
import { ALL_JOBS } from './jobs.registry';

export const JOB_DRIVER = Symbol('JOB_DRIVER');

export class JobRegistrationError extends Error {}

/**
 * The one job API. At boot it finds every `@OnJob` handler and refuses to
 * start when a declared job has no handler or two, then starts the driver.
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
    await this.driver.add(job, job.schema.parse(data), options);
  }

  /**
   * Queues the next run of a recurring job at the next multiple of `everyMs`.
   * The slot names the job, so replicas asking for the same run make one job.
   * Nothing is queued once shutting down: the next boot starts the cycle again.
   */
  async enqueueNextRun<J extends JobDefinition>(job: J, data: JobData<J>, everyMs: number, nowMs = Date.now()): Promise<void> {
    if (this.closing) return;
    const slot = Math.floor(nowMs / everyMs) + 1;
    await this.enqueue(job, data, { jobId: `${job.name}-${slot}`, delayMs: slot * everyMs - nowMs });
  }

  health(): Promise<DriverHealth> {
    return this.driver.health();
  }

  private collectHandlers(): Map<string, { definition: JobDefinition; run: RunJob }> {
    const found = new Map<string, RunJob[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
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
    for (const definition of ALL_JOBS) {
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
