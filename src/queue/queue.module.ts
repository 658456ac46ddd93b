import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '../config/config';
import { JsonLogger } from '../common/logging/json-logger';
import { BullDriver } from './bull.driver';
import { InProcessDriver } from './in-process.driver';
import { JOB_DRIVER, JobQueue } from './job-queue.service';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: JOB_DRIVER,
      inject: [APP_CONFIG, JsonLogger],
      useFactory: (config: AppConfig, logger: JsonLogger) =>
        config.queue.kind === 'bull'
          ? new BullDriver(config.queue.redisUrl, config.queue.prefix, (error) =>
              logger.event('error', 'queue.error', { error: error instanceof Error ? error.message : String(error) }, 'BullDriver'),
            )
          : new InProcessDriver(logger),
    },
    JobQueue,
  ],
  exports: [JobQueue],
})
export class QueueModule {}
