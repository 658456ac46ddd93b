import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Clock } from './clock';
import { JsonLogger } from './logging/json-logger';

/** Cross-cutting providers every capability may inject: the clock and the logger. */
@Global()
@Module({
  providers: [
    Clock,
    { provide: JsonLogger, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new JsonLogger(config.logLevel, config.logStream) },
  ],
  exports: [Clock, JsonLogger],
})
export class CommonModule {
  /** With a clock of their own (tests moving time), else the system clock. */
  static withClock(clock?: Clock): DynamicModule {
    return {
      module: CommonModule,
      providers: clock ? [{ provide: Clock, useValue: clock }] : [],
      exports: [Clock],
    };
  }
}
