import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/logging/json-logger';
import { BullDriver } from './bull.driver';
import { InProcessDriver } from './in-process.driver';
import { JOB_DRIVER, JobQueue } from './job-queue.service';

/** While Redis is down each connection reports every reconnection attempt: one line per error and 10 s is enough to see it, with the count. */
function throttledErrors(logger: JsonLogger, clock: Clock, everyMs = 10_000): (error: unknown) => void {
  const last = new Map<string, { at: number; repeated: number }>();
  return (error) => {
    const message = error instanceof Error ? error.message : String(error);
    const now = clock.now().getTime();
    const seen = last.get(message);
    if (seen && now - seen.at < everyMs) {
      seen.repeated++;
      return;
    }
    last.set(message, { at: now, repeated: 0 });
    logger.event('error', 'queue.error', { error: message, ...(seen?.repeated ? { repeatedSinceLast: seen.repeated } : {}) }, 'BullDriver');
  };
}

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: JOB_DRIVER,
      inject: [APP_CONFIG, JsonLogger, Clock],
      useFactory: (config: AppConfig, logger: JsonLogger, clock: Clock) =>
        config.queue.kind === 'bull' ? new BullDriver(config.queue.redisUrl, config.queue.prefix, throttledErrors(logger, clock)) : new InProcessDriver(logger),
    },
    JobQueue,
  ],
  exports: [JobQueue],
})
export class QueueModule {}
