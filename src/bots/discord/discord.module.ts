import { Module } from '@nestjs/common';
import { AdminActionsModule } from '../../admin-actions/admin-actions.module';
import { ConversationsModule } from '../../conversations/conversations.module';
import { DirectoryModule } from '../../directory/directory.module';
import { NotificationsModule } from '../../notifications/notifications.module';
import { RoutingModule } from '../../routing/routing.module';
import { DiscordBot } from './discord-bot.service';
import { DiscordClient } from './discord-client';
import { DiscordStaffChannel } from './discord-staff.channel';
import { DiscordTexts } from './discord-texts';

/** The Discord bot (on when DISCORD_TOKEN is set): the conversation engine's Discord adapter and the circonscriptions' staff channels. */
@Module({
  imports: [AdminActionsModule, ConversationsModule, DirectoryModule, NotificationsModule, RoutingModule],
  providers: [DiscordClient, DiscordTexts, DiscordBot, DiscordStaffChannel],
})
export class DiscordModule {}
