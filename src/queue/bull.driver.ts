import Bull from 'bull';
import { EnqueueOptions, JobDefinition, UnrecoverableJobError } from './job';
import { DriverHealth, JobDriver, RunJob } from './job-driver';

/** Bull on Redis: jobs survive restarts and are shared by every replica. */
export class BullDriver implements JobDriver {
  private readonly queue: Bull.Queue;

  constructor(redisUrl: string, prefix: string, private readonly concurrency = 5) {
    this.queue = new Bull('relais-jobs', redisUrl, { prefix });
  }

  async start(jobs: Map<string, { definition: JobDefinition; run: RunJob }>): Promise<void> {
    await this.queue.isReady();
    for (const [name, { run }] of jobs) {
      void this.queue.process(name, this.concurrency, async (job) => {
        try {
          await run(job.data, { attempt: job.attemptsMade + 1, jobId: String(job.id) });
        } catch (error) {
          // Bull retries any failure; an unrecoverable one must not use up the remaining attempts.
          if (error instanceof UnrecoverableJobError) await job.discard();
          throw error;
        }
      });
    }
  }

  async add(definition: JobDefinition, data: unknown, options: EnqueueOptions): Promise<void> {
    await this.queue.add(definition.name, data, {
      jobId: options.jobId,
      delay: options.delayMs,
      attempts: definition.attempts,
      backoff: { type: 'exponential', delay: definition.backoffMs },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  async health(): Promise<DriverHealth> {
    try {
      const pong = await this.queue.client.ping();
      return { driver: 'bull', ok: pong === 'PONG' };
    } catch (error) {
      return { driver: 'bull', ok: false, detail: error instanceof Error ? error.message : 'unreachable' };
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
