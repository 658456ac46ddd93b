import { Module } from '@nestjs/common';
import { ConversationsModule } from '../../conversations/conversations.module';
import { DemoModule } from '../../demo/demo.module';
import { WebchatController } from './webchat.controller';
import { WebchatSessions } from './webchat-sessions.service';
import { WebchatStreams } from './webchat-streams';
import { WebchatTexts } from './webchat-texts';

/** The web chat: the demo page, the embeddable widget and their session API, over the conversation engine. */
@Module({
  imports: [ConversationsModule, DemoModule],
  controllers: [WebchatController],
  providers: [WebchatSessions, WebchatStreams, WebchatTexts],
})
export class WebchatModule {}
