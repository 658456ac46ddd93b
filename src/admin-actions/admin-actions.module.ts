import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { DirectoryModule } from '../directory/directory.module';
import { EntPortModule } from '../ent/ent-port.module';
import { AccountActionsController } from './account-actions.controller';
import { AccountActionsService } from './account-actions.service';
import { ACCOUNT_ACTION_ENTITIES } from './admin-actions.entities';
import { ApprovalNotices, ApprovalNotifier } from './approvals/approval-notifier';
import { ApprovalsService } from './approvals/approvals.service';
import { ApprovalsSweeper } from './approvals/approvals-sweeper';
import { AuditLogService } from './audit/audit-log.service';
import { EntAccountsService } from './linking/ent-accounts.service';
import { LinkingController } from './linking/linking.controller';
import { LinkingService } from './linking/linking.service';
import { AccountMessages } from './messages/account-messages';
import { ConfirmationsService } from './safety/confirmations.service';
import { RateLimiter } from './safety/rate-limiter';

/**
 * Guarded account actions: linking chat identities to ENT accounts, the
 * policy, previews and confirmations, rate limits, approvals and the audit log.
 * `AccountActionsService` and `LinkingService` are what the chat engine and the
 * bots call.
 */
@Module({
  imports: [TypeOrmModule.forFeature(ACCOUNT_ACTION_ENTITIES), EntPortModule, AuthModule, DirectoryModule],
  controllers: [AccountActionsController, LinkingController],
  providers: [
    AccountMessages,
    AuditLogService,
    EntAccountsService,
    LinkingService,
    ApprovalsService,
    ApprovalNotices,
    { provide: ApprovalNotifier, useExisting: ApprovalNotices },
    ConfirmationsService,
    RateLimiter,
    AccountActionsService,
    ApprovalsSweeper,
  ],
  exports: [AccountActionsService, LinkingService, AuditLogService, ApprovalNotices],
})
export class AdminActionsModule {}
