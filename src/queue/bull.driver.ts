import Bull from 'bull';
import type { Redis, RedisOptions } from 'ioredis';
import { EnqueueOptions, JobDefinition, UnrecoverableJobError } from './job';
import { DriverHealth, JobDriver, RunJob } from './job-driver';

/** Bull on Redis: jobs survive restarts and are shared by every replica. */
export class BullDriver implements JobDriver {
  readonly kind = 'bull';
  private bull: Bull.Queue | null = null;
  private closing = false;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly onError: (error: unknown) => void,
    private readonly concurrency = 5,
  ) {}

  /**
   * Connects on first use, so a boot that fails before it leaves no connection
   * behind. Never after close: a late enqueue would open connections nobody closes.
   */
  private get queue(): Bull.Queue {
    if (this.closing) throw new Error('The job queue is closed');
    if (!this.bull) {
      this.bull = new Bull('relais-jobs', { prefix: this.prefix, redis: redisOptions(this.redisUrl) });
      this.bull.on('error', this.onError);
    }
    return this.bull;
  }

  async start(jobs: Map<string, { definition: JobDefinition; run: RunJob }>): Promise<void> {
    await this.queue.isReady();
    for (const [name, { run }] of jobs) {
      // The promise settles only when the queue closes (with no reason): nothing to report then.
      this.queue
        .process(name, this.concurrency, (job) => this.track(run, job))
        .catch((error: unknown) => {
          // While closing, Bull's workers stop on their closed connection: expected, not an error.
          if (error && !this.closing) this.onError(error);
        });
    }
    await this.blockingClientReady();
  }

  /**
   * Bull opens its blocking connection a few ticks after `process()`; a close in
   * between would leave that connection open forever. Open it now and wait for it.
   */
  private async blockingClientReady(): Promise<void> {
    const client = (this.queue as unknown as { bclient: Redis }).bclient;
    if (client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('end', () => reject(new Error('Redis connection closed before the queue was ready')));
    });
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

  /**
   * Lets running jobs finish, then closes without Bull's own wait: that wait
   * reconnects the blocking connection in a promise nobody awaits, which
   * rejects if the connection closes meanwhile. A job picked up during the
   * wait is left to Bull's stalled-job recovery.
   */
  async close(): Promise<void> {
    this.closing = true;
    const bull = this.bull;
    this.bull = null;
    await Promise.allSettled([...this.running]);
    try {
      await bull?.close(true);
    } catch (error) {
      // The final disconnect can find a connection already closed: closed is what we wanted.
      if (!(error instanceof Error && /Connection is closed/.test(error.message))) throw error;
    }
  }

  private async track(run: RunJob, job: Bull.Job): Promise<void> {
    const running = (async () => {
      try {
        await run(job.data, { attempt: job.attemptsMade + 1, jobId: String(job.id) });
      } catch (error) {
        // Bull retries any failure; an unrecoverable one must not use up the remaining attempts.
        if (error instanceof UnrecoverableJobError) await job.discard();
        throw error;
      }
    })();
    this.running.add(running);
    try {
      await running;
    } finally {
      this.running.delete(running);
    }
  }
}

/**
 * Bull's connections to Redis. A command sent while Redis is unreachable fails
 * after one reconnection attempt instead of waiting for Redis to come back
 * (callers bound their wait too, see JobQueue); Bull gives its blocking and
 * subscriber connections the settings it requires of them.
 */
function redisOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
  };
}
