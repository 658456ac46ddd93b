import { TicketPrivacy } from './ticket-privacy.service';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { DirectoryModule } from '../directory/directory.module';
import { KbModule } from '../kb/kb.module';
import { RoutingModule } from '../routing/routing.module';
import { EscalationsController } from './escalations.controller';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { IdempotencyPurge } from './idempotency-purge.service';
import { TicketAttachmentEntity } from './ticket-attachment.entity';
import { SlaWatcher } from './sla-watcher.service';
import { TicketCommands } from './ticket-commands.service';
import { TicketCreation } from './ticket-creation.service';
import { TicketEventEntity } from './ticket-event.entity';
import { TicketEventFeed } from './ticket-event-feed';
import { TicketMessageEntity } from './ticket-message.entity';
import { TicketQueries } from './ticket-queries.service';
import { TicketSources } from './ticket-sources.service';
import { TicketViewers } from './ticket-viewers.service';
import { TicketWriter } from './ticket-writer';
import { TicketEntity } from './ticket.entity';
import { TicketsController } from './tickets.controller';

/**
 * The ticket domain and the only writer of tickets, their messages and
 * events. Other modules ask it (creation, commands, sources) and hear from it
 * (the event feed).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([TicketEntity, TicketMessageEntity, TicketEventEntity, IdempotencyKeyEntity, TicketAttachmentEntity]),
    AuthModule,
    DirectoryModule,
    KbModule,
    RoutingModule,
  ],
  controllers: [TicketsController, EscalationsController],
  providers: [TicketWriter, TicketPrivacy, TicketCreation, TicketCommands, TicketQueries, TicketViewers, TicketSources, TicketEventFeed, SlaWatcher, IdempotencyPurge],
  exports: [TicketPrivacy, TicketCreation, TicketCommands, TicketQueries, TicketViewers, TicketSources, TicketEventFeed],
})
export class TicketsModule {}
