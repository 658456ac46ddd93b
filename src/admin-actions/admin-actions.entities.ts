import { ApprovalEntity } from './approvals/approval.entity';
import { AuditEntryEntity, AuditHeadEntity } from './audit/audit-entry.entity';
import { ChatLinkEntity } from './linking/chat-link.entity';
import { EntAccountEntity } from './linking/ent-account.entity';
import { LinkRequestEntity } from './linking/link-request.entity';
import { ActionUsageEntity } from './safety/action-usage.entity';
import { ConfirmationEntity } from './safety/confirmation.entity';

export const ACCOUNT_ACTION_ENTITIES = [
  EntAccountEntity,
  ChatLinkEntity,
  LinkRequestEntity,
  ConfirmationEntity,
  ActionUsageEntity,
  ApprovalEntity,
  AuditEntryEntity,
  AuditHeadEntity,
];
