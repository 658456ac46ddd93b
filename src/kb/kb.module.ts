import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DirectoryModule } from '../directory/directory.module';
import { RoutingModule } from '../routing/routing.module';
import { AssistService } from './assist.service';
import { KbController } from './kb.controller';
import { KnowledgeBase } from './knowledge-base';
import { IntentClassifier } from './understanding/intent-classifier';
import { TextAnalyzer } from './understanding/text-analyzer';

@Module({
  imports: [AuthModule, DirectoryModule, RoutingModule],
  controllers: [KbController],
  providers: [KnowledgeBase, TextAnalyzer, IntentClassifier, AssistService],
  exports: [IntentClassifier, AssistService],
})
export class KbModule {}
