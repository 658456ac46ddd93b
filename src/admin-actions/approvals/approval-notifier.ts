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

/** Who delivers approval notices privately (the conversation engine, for every chat channel); registered at boot. */
export type ApprovalListener = Pick<ApprovalNotifier, 'approvalRequested' | 'approvalDecided'>;

/**
 * The notifier the account actions use: it writes one log line per notice
 * with ids only (no names, no text), so an operator sees approvers were due a
 * message, and hands each notice to the listeners that deliver privately
 * (the conversation engine registers itself; admin-actions knows no channel).
 * Approvers also find their pending approvals through
 * `GET /api/v1/accounts/approvals` or the service.
 */
@Injectable()
export class ApprovalNotices extends ApprovalNotifier {
  private readonly listeners = new Set<ApprovalListener>();

  constructor(private readonly logger: JsonLogger) {
    super();
  }

  subscribe(listener: ApprovalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async approvalRequested(notice: ApprovalNotice, approvers: NoticeRecipient[]): Promise<void> {
    this.logger.event('info', 'accounts.approval_requested', { approvalId: notice.approvalId, structureId: notice.structureId, approvers: approvers.map((a) => a.entUserId) }, 'ApprovalNotifier');
    for (const listener of this.listeners) await this.safely(() => listener.approvalRequested(notice, approvers), notice);
  }

  async approvalDecided(notice: ApprovalNotice, outcome: ApprovalOutcome, requester: { chatIdentity: ChatIdentity | null; entUserId: string | null }): Promise<void> {
    this.logger.event('info', 'accounts.approval_decided', { approvalId: notice.approvalId, outcome, requesterChannel: requester.chatIdentity?.channel ?? null }, 'ApprovalNotifier');
    for (const listener of this.listeners) await this.safely(() => listener.approvalDecided(notice, outcome, requester), notice);
  }

  /** A notice that cannot be delivered must not undo the decision it reports. */
  private async safely(deliver: () => Promise<void>, notice: ApprovalNotice): Promise<void> {
    await deliver().catch((error: unknown) =>
      this.logger.event('warn', 'accounts.notice_failed', { approvalId: notice.approvalId, error: error instanceof Error ? error.message : String(error) }, 'ApprovalNotifier'),
    );
  }
}
