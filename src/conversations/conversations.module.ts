import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminActionsModule } from '../admin-actions/admin-actions.module';
import { DirectoryModule } from '../directory/directory.module';
import { KbModule } from '../kb/kb.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RoutingModule } from '../routing/routing.module';
import { TicketsModule } from '../tickets/tickets.module';
import { ApprovalMessages } from './approval-messages';
import { ChatOutlets } from './chat-outlets';
import { ConversationChannel } from './conversation.channel';
import { ConversationEntity, ConversationMessageEntity } from './conversation.entity';
import { ConversationEngine } from './conversation-engine.service';
import { ConversationTexts } from './conversation-texts';

/** The conversation engine every chat channel runs on, and the notification channel that speaks into its conversations. */
@Module({
  imports: [
    TypeOrmModule.forFeature([ConversationEntity, ConversationMessageEntity]),
    AdminActionsModule,
    DirectoryModule,
    KbModule,
    NotificationsModule,
    RoutingModule,
    TicketsModule,
  ],
  providers: [ConversationEngine, ConversationTexts, ChatOutlets, ConversationChannel, ApprovalMessages],
  exports: [ConversationEngine, ChatOutlets],
})
export class ConversationsModule {}
