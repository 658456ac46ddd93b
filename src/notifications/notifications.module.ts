import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { JobsModule } from '../queue/job';
import { RoutingModule } from '../routing/routing.module';
import { TicketsModule } from '../tickets/tickets.module';
import { AcademicWebhookChannel } from './channels/academic-webhook.channel';
import { ChannelRegistry } from './channels/channel-registry';
import { EntSupportChannel } from './channels/ent-support.channel';
import { HistoryChannel } from './channels/history.channel';
import { NotificationTexts } from './notification-texts';
import { NotificationsSettle } from './notifications-settle';
import { DELIVER_NOTIFICATION } from './notification.jobs';
import { OutboxRelay } from './outbox-relay.service';
import { OutboxController } from './outbox.controller';
import { OutboxEntity } from './outbox.entity';
import { OutboxService } from './outbox.service';

/**
 * Notifications: hears ticket events from the tickets module's feed, decides
 * who must hear of each, and delivers through the channels that plug in here
 * (any provider marked `@NotificationChannelProvider()`, in any module).
 */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEntity]), JobsModule.declare(DELIVER_NOTIFICATION), DiscoveryModule, AuthModule, RoutingModule, TicketsModule],
  controllers: [OutboxController],
  providers: [ChannelRegistry, NotificationTexts, NotificationsSettle, OutboxService, OutboxRelay, HistoryChannel, AcademicWebhookChannel, EntSupportChannel],
  exports: [NotificationTexts, NotificationsSettle],
})
export class NotificationsModule {}
