import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OutboxController } from './outbox.controller';
import { OutboxService } from './outbox.service';

@Module({ imports: [AuthModule], controllers: [OutboxController], providers: [OutboxService], exports: [OutboxService] })
export class NotificationsModule implements OnApplicationBootstrap {
  constructor(private readonly outbox: OutboxService) {}

  /** A sweep soon after boot delivers what a crash left pending. */
  async onApplicationBootstrap(): Promise<void> {
    await this.outbox.scheduleSweep();
  }
}
