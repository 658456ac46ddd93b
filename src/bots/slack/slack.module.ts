import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminActionsModule } from '../../admin-actions/admin-actions.module';
import { ConversationsModule } from '../../conversations/conversations.module';
import { DirectoryModule } from '../../directory/directory.module';
import { RoutingModule } from '../../routing/routing.module';
import { TicketsModule } from '../../tickets/tickets.module';
import { SlackBolt } from './slack-bolt';
import { SlackCommands } from './slack-commands.service';
import { SlackEventLog } from './slack-event-log';
import { SlackFiles } from './slack-files';
import { SlackEventsController } from './slack-events.controller';
import { SlackInteractions } from './slack-interactions.service';
import { SlackPeople } from './slack-people';
import { SlackTriageChannel } from './slack-triage.channel';
import { SlackWorkQueue } from './slack-work-queue';
import { SlackCardEntity, SlackThreadMessageEntity } from './slack.entities';

/** The Slack triage app (on when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set): Bolt at /slack/events, the cards, their threads. */
@Module({
  imports: [TypeOrmModule.forFeature([SlackCardEntity, SlackThreadMessageEntity]), AdminActionsModule, ConversationsModule, DirectoryModule, RoutingModule, TicketsModule],
  controllers: [SlackEventsController],
  providers: [SlackBolt, SlackWorkQueue, SlackEventLog, SlackFiles, SlackPeople, SlackTriageChannel, SlackInteractions, SlackCommands],
})
export class SlackModule {}
