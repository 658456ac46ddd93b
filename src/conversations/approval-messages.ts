import { Injectable, OnModuleInit } from '@nestjs/common';
import { ChatIdentity } from '../admin-actions/actor';
import { ApprovalNotice, ApprovalNotices, ApprovalOutcome, NoticeRecipient } from '../admin-actions/approvals/approval-notifier';
import { ConversationEngine } from './conversation-engine.service';

/**
 * Approvals of account actions, told in people's private conversations: the
 * approvers (class teachers, the school's ENT admins) get the request with
 * its two buttons on each chat identity they linked; the requester gets the
 * outcome where they asked. Notices never hold a code: an approver receives
 * it only in the answer to their own click.
 */
@Injectable()
export class ApprovalMessages implements OnModuleInit {
  constructor(
    private readonly notices: ApprovalNotices,
    private readonly engine: ConversationEngine,
  ) {}

  onModuleInit(): void {
    this.notices.subscribe(this);
  }

  async approvalRequested(notice: ApprovalNotice, approvers: NoticeRecipient[]): Promise<void> {
    for (const approver of approvers) {
      for (const identity of approver.chatIdentities) {
        await this.engine.tellPrivately(identity, { text: notice.text, choices: this.engine.approvalChoices(notice.approvalId) });
      }
    }
  }

  async approvalDecided(notice: ApprovalNotice, _outcome: ApprovalOutcome, requester: { chatIdentity: ChatIdentity | null }): Promise<void> {
    if (requester.chatIdentity) await this.engine.tellPrivately(requester.chatIdentity, { text: notice.text });
  }
}
