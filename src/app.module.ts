import { PrivacyModule } from './privacy/privacy.module';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { AppConfig, loadConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { CommonModule } from './common/common.module';
import { Clock } from './common/clock';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { EntModule } from './ent/ent.module';
import { ZendeskModule } from './ent/zendesk/zendesk.module';
import { HealthController } from './health/health.controller';
import { KbModule } from './kb/kb.module';
import { QueueModule } from './queue/queue.module';
import { TicketsModule } from './tickets/tickets.module';
import { NotificationsModule } from './notifications/notifications.module';
import { AdminActionsModule } from './admin-actions/admin-actions.module';
import { ConversationsModule } from './conversations/conversations.module';
import { DiscordModule } from './bots/discord/discord.module';
import { WebchatModule } from './bots/webchat/webchat.module';
import { SlackModule } from './bots/slack/slack.module';

export interface AppOptions {
  /** Replaces the system clock (tests that move time). */
  clock?: Clock;
  /** More capabilities plugged in (a test's notification channel). */
  modules?: (Type | DynamicModule)[];
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig = loadConfig(), options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule.withClock(options.clock),
        DatabaseModule,
        QueueModule,
        KbModule,
        TicketsModule,
        NotificationsModule,
        EntModule,
        AdminActionsModule,
        ConversationsModule,
        PrivacyModule,
        DiscordModule,
        WebchatModule,
        SlackModule,
        ZendeskModule.register(config.zendesk.basePath),
        DemoModule,
        ...(options.modules ?? []),
      ],
      controllers: [HealthController],
    };
  }
}
