import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { DirectoryModule } from '../directory/directory.module';
import { loadRoutingRules, ROUTING_RULES } from './routing-rules';
import { RoutingService } from './routing.service';
import { SlaClock } from './sla/sla-clock';

/** Where tickets go and when they are due: decisions only; the tickets module applies them at every change. */
@Module({
  imports: [DirectoryModule],
  providers: [
    { provide: ROUTING_RULES, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadRoutingRules(config.routing.rulesFile, config.routing.extraHolidays) },
    RoutingService,
    SlaClock,
  ],
  exports: [RoutingService, SlaClock],
})
export class RoutingModule {}
