import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config';
import { DirectoryModule } from '../directory/directory.module';
import { ROUTING_RULES, rulesOf } from './routing-rules';
import { RoutingService } from './routing.service';
import { SlaClock } from './sla/sla-clock';

/** Where tickets go and when they are due: decisions only; the tickets module applies them at every change. */
@Module({
  imports: [DirectoryModule],
  providers: [
    { provide: ROUTING_RULES, inject: [APP_CONFIG], useFactory: rulesOf },
    RoutingService,
    SlaClock,
  ],
  exports: [ROUTING_RULES, RoutingService, SlaClock],
})
export class RoutingModule {}
