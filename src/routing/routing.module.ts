import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { RoutingService } from './routing.service';
import { SlaClock } from './sla/sla-clock';

/** Where tickets go and when they are due: decisions only; the tickets module applies them at every change. */
@Module({
  imports: [DirectoryModule],
  providers: [RoutingService, SlaClock],
  exports: [RoutingService, SlaClock],
})
export class RoutingModule {}
