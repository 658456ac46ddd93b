import { RoutingModule } from '../routing/routing.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DirectoryModule } from '../directory/directory.module';
import { KbModule } from '../kb/kb.module';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

@Module({
  imports: [AuthModule, DirectoryModule, KbModule, RoutingModule, NotificationsModule],
  controllers: [TicketsController],
  providers: [TicketsService],
  exports: [TicketsService],
})
export class TicketsModule implements OnApplicationBootstrap {
  constructor(private readonly tickets: TicketsService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.tickets.schedulePurge();
  }
}
