import { JsonLogger } from './logging/json-logger';

/**
 * Work a process does on its own timer (sweeps, watchers, relays): every
 * `everyMs`, never two runs at once, and `trigger()` asks for a run as soon
 * as the current one ends (several asks make one run). It does not depend on
 * the job queue, so it goes on when Redis is down or comes back empty; work
 * shared by replicas is claimed in the database by the task itself.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private lastStart = 0;
  private soon: NodeJS.Timeout | undefined;

  /**
   * `triggerGapMs`: a trigger within that time of the last run's start waits for it to pass, so
   * that under load the asks of that time make one run (one batch) instead of one each.
   */
  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly work: () => Promise<void>,
    private readonly logger: JsonLogger,
    private readonly options: { triggerGapMs?: number } = {},
  ) {}

  /** Starts the timer; `runNow` also runs once at once (a sweep right after boot). */
  start(options: { runNow?: boolean } = {}): void {
    this.stopped = false;
    if (options.runNow) this.trigger();
    else this.schedule();
  }

  trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const wait = this.lastStart + (this.options.triggerGapMs ?? 0) - Date.now();
    if (wait > 0) {
      this.soon ??= setTimeout(() => {
        this.soon = undefined;
        this.trigger();
      }, wait);
      this.soon.unref();
      return;
    }
    clearTimeout(this.timer);
    this.run();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.soon);
    this.soon = undefined;
    await this.running;
  }

  private run(): void {
    this.lastStart = Date.now();
    this.running = this.work()
      .catch((error: unknown) => this.logger.event('error', 'task.failed', { task: this.name, error: error instanceof Error ? error.message : String(error) }, 'PeriodicTask'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.trigger();
        } else this.schedule();
      });
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), this.everyMs);
    this.timer.unref();
  }
}
