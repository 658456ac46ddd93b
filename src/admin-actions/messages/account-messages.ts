import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { MessageCatalogue } from '../../common/message-catalogue';

export const MESSAGES_FILE = join(__dirname, 'messages.fr.yaml');

/** Every sentence the account actions say, one key each; `messages.fr.yaml` must hold exactly these. */
export const MESSAGE_KEYS = [
  'refused.not_linked',
  'refused.link_expired',
  'refused.target_is_admin',
  'refused.no_code_right',
  'refused.staff_credentials',
  'refused.parent_educonnect',
  'refused.not_activated',
  'refused.target_blocked',
  'refused.no_block_right',
  'refused.block_reason_required',
  'refused.already_blocked',
  'refused.not_blocked',
  'refused.mass_block',
  'refused.self_target',
  'refused.self_not_activated',
  'refused.approval_pending',
  'refused.not_an_approver',
  'refused.structure_required',
  'refused.login_required',
  'refused.channel_required',
  'refused.ent_refused',
  'refused.ent_unavailable',
  'not_found.target',
  'not_found.approval',
  'approval.decided',
  'confirmation.not_found',
  'confirmation.used',
  'confirmation.expired',
  'rate_limited.actor',
  'rate_limited.target',
  'preview.renewal_code',
  'preview.block',
  'preview.unblock',
  'preview.self_reset',
  'preview.approval_request',
  'preview.approve',
  'preview.choose',
  'done.renewal_code',
  'done.block',
  'done.unblock',
  'done.self_reset',
  'done.approval_request',
  'done.approve',
  'done.refuse',
  'hand_over',
  'notice.approval_requested',
  'notice.approval_approved',
  'notice.approval_refused',
  'notice.approval_expired',
  'link.offer',
] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];

/**
 * The French texts of account actions (refusals, previews, results, notices),
 * kept together so every channel says the same thing. Nothing secret in them
 * but the renewal code, and only in `done.*` and `hand_over`.
 */
@Injectable()
export class AccountMessages extends MessageCatalogue<MessageKey> {
  constructor() {
    super(MESSAGE_KEYS, readFileSync(MESSAGES_FILE, 'utf8'), 'messages.fr.yaml');
  }
}

export function loadMessages(yaml: string): MessageCatalogue<MessageKey> {
  return new MessageCatalogue(MESSAGE_KEYS, yaml, 'messages.fr.yaml');
}
