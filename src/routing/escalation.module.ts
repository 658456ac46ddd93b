import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { TicketsModule } from '../tickets/tickets.module';
import { EscalationController } from './escalation.controller';
import { EscalationService } from './escalation.service';
import { RoutingModule } from './routing.module';
import { SlaWatcher } from './sla/sla-watcher';

/** Moving tickets up: by hand, by "Transmettre au support", and at SLA breaches. */
@Module({
  imports: [AuthModule, TicketsModule, RoutingModule],
  controllers: [EscalationController],
  providers: [EscalationService, SlaWatcher],
})
export class EscalationModule implements OnApplicationBootstrap {
  constructor(private readonly watcher: SlaWatcher) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.watcher.scheduleReconcile();
  }
}
