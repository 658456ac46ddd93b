import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { RoutingService } from './routing.service';
import { SlaClock } from './sla/sla-clock';
import { SlaScheduler } from './sla/sla-scheduler';

/** Where tickets go and when they are due; the tickets module applies it at every change. */
@Module({
  imports: [DirectoryModule],
  providers: [RoutingService, SlaClock, SlaScheduler],
  exports: [RoutingService, SlaClock, SlaScheduler],
})
export class RoutingModule {}
