import { Injectable } from '@nestjs/common';
import { JsonLogger } from '../../common/logging/json-logger';
import { ChatIdentity } from '../actor';

/** Someone to tell: an ENT person and the chat identities they linked (a private message on one of them). */
export interface NoticeRecipient {
  entUserId: string;
  displayName: string | null;
  chatIdentities: ChatIdentity[];
}

export interface ApprovalNotice {
  approvalId: string;
  structureId: string;
  schoolName: string | null;
  targetLogin: string;
  targetName: string | null;
  requesterName: string | null;
  requesterChannel: string;
  expiresAt: Date;
  /** The French sentence to deliver, the same whatever the channel. Never holds a code. */
  text: string;
}

export type ApprovalOutcome = 'approved' | 'refused' | 'expired';

/**
 * The "tell the people concerned" step of approvals, one small port for the
 * notification channels to implement (Slack or Discord direct message, web chat
 * reply, e-mail). Implementations must deliver privately: these notices name a
 * pupil, and although they never carry a code, they are not for shared channels.
 *
 * - `approvalRequested`: the class teachers and the school's ENT admins who can
 *   decide (those who linked a chat identity, plus the directory's school admins).
 * - `approvalDecided`: the requester, when the request is approved, refused or
 *   withdrawn after a day; `requester.chatIdentity` is null when they asked through an API.
 */
export abstract class ApprovalNotifier {
  abstract approvalRequested(notice: ApprovalNotice, approvers: NoticeRecipient[]): Promise<void>;
  abstract approvalDecided(notice: ApprovalNotice, outcome: ApprovalOutcome, requester: { chatIdentity: ChatIdentity | null; entUserId: string | null }): Promise<void>;
}

/**
 * The default until channels are wired: tells nobody and writes one log line
 * per notice with ids only (no names, no text), so an operator can see that
 * approvers were due a message. Approvers still find their pending approvals
 * through `GET /api/v1/accounts/approvals` or the service.
 */
@Injectable()
export class LoggingApprovalNotifier extends ApprovalNotifier {
  constructor(private readonly logger: JsonLogger) {
    super();
  }

  async approvalRequested(notice: ApprovalNotice, approvers: NoticeRecipient[]): Promise<void> {
    this.logger.event('info', 'accounts.approval_requested', { approvalId: notice.approvalId, structureId: notice.structureId, approvers: approvers.map((a) => a.entUserId) }, 'ApprovalNotifier');
  }

  async approvalDecided(notice: ApprovalNotice, outcome: ApprovalOutcome, requester: { chatIdentity: ChatIdentity | null; entUserId: string | null }): Promise<void> {
    this.logger.event('info', 'accounts.approval_decided', { approvalId: notice.approvalId, outcome, requesterChannel: requester.chatIdentity?.channel ?? null }, 'ApprovalNotifier');
  }
}
