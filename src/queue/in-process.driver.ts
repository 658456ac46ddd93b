import { randomUUID } from 'node:crypto';
import { EnqueueOptions, JobDefinition, UnrecoverableJobError } from './job';
import { backoffDelay, DriverHealth, JobDriver, RunJob } from './job-driver';
import { JsonLogger } from '../common/logging/json-logger';

interface Pending {
  definition: JobDefinition;
  data: unknown;
  jobId: string;
  attempt: number;
}

/**
 * Runs jobs in this process with the same handlers, delays, retries and
 * deduplication as Bull. Pending jobs live in memory: durable truth stays in
 * the database, and reconcilers re-create what a restart dropped.
 */
export class InProcessDriver implements JobDriver {
  readonly kind = 'in-process';
  private jobs = new Map<string, { definition: JobDefinition; run: RunJob }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly logger: JsonLogger) {}

  async start(jobs: Map<string, { definition: JobDefinition; run: RunJob }>): Promise<void> {
    this.jobs = jobs;
  }

  async add(definition: JobDefinition, data: unknown, options: EnqueueOptions): Promise<void> {
    if (this.closed) throw new Error('The job queue is closed');
    const jobId = options.jobId ?? randomUUID();
    if (this.timers.has(jobId)) return;
    this.schedule({ definition, data, jobId, attempt: 1 }, options.delayMs ?? 0);
  }

  private schedule(job: Pending, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(job.jobId);
      const run = this.execute(job).finally(() => this.running.delete(run));
      this.running.add(run);
    }, delayMs);
    timer.unref();
    this.timers.set(job.jobId, timer);
  }

  private async execute(job: Pending): Promise<void> {
    const registered = this.jobs.get(job.definition.name);
    if (!registered) throw new Error(`no handler for job ${job.definition.name}`);
    try {
      await registered.run(job.data, { attempt: job.attempt, jobId: job.jobId });
    } catch (error) {
      const retry = !(error instanceof UnrecoverableJobError) && job.attempt < job.definition.attempts;
      this.logger.event(retry ? 'warn' : 'error', 'job.failed', {
        job: job.definition.name,
        jobId: job.jobId,
        attempt: job.attempt,
        willRetry: retry,
        error: error instanceof Error ? error.message : String(error),
      });
      if (retry) this.schedule({ ...job, attempt: job.attempt + 1 }, backoffDelay(job.definition, job.attempt));
    }
  }

  async health(): Promise<DriverHealth> {
    return { driver: 'in-process', ok: !this.closed, detail: `${this.timers.size} pending` };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}
