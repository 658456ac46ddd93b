import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../../auth/auth.module';
import { RoutingModule } from '../../routing/routing.module';
import { TicketsModule } from '../../tickets/tickets.module';
import { ZendeskAttachments } from './zendesk-attachments.service';
import { ZendeskAuthGuard } from './zendesk-auth.guard';
import { ZendeskTickets } from './zendesk-tickets.service';
import { ZendeskController } from './zendesk.controller';
import { ZendeskAttachmentEntity, ZendeskCommentEntity, ZendeskExportPositionEntity, ZendeskTicketEntity } from './zendesk.entities';

/**
 * The Zendesk-compatible intake: a stock ENT's support module, its connector
 * set to ZENDESK, escalates tickets to Relais and follows them. Its routes
 * sit under ZENDESK_BASE_PATH; its bodies are read by `zendeskBodyReader`
 * (bootstrap), which the rest of the API does not use.
 */
@Module({})
export class ZendeskModule {
  static register(basePath: string): DynamicModule {
    return {
      module: ZendeskModule,
      imports: [
        TypeOrmModule.forFeature([ZendeskTicketEntity, ZendeskCommentEntity, ZendeskAttachmentEntity, ZendeskExportPositionEntity]),
        AuthModule,
        RoutingModule,
        TicketsModule,
        ...(basePath ? [RouterModule.register([{ path: basePath, module: ZendeskModule }])] : []),
      ],
      controllers: [ZendeskController],
      providers: [ZendeskTickets, ZendeskAttachments, ZendeskAuthGuard],
    };
  }
}
