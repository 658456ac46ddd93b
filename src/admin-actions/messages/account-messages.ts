import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

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

/** Values a template may use; nothing secret but the renewal code, and only in `done.*` and `hand_over`. */
export type MessageContext = Record<string, string | number | boolean | null | undefined | string[] | Record<string, unknown>[]>;

/**
 * The French texts of account actions (refusals, previews, results, notices),
 * Handlebars templates kept together so every channel says the same thing.
 * Plain text, not HTML: the channels escape what they display.
 */
@Injectable()
export class AccountMessages {
  private readonly templates: Map<MessageKey, Handlebars.TemplateDelegate>;

  constructor() {
    this.templates = loadMessages(readFileSync(MESSAGES_FILE, 'utf8'));
  }

  render(key: MessageKey, context: MessageContext = {}): string {
    return this.templates.get(key)!(context).trim();
  }
}

export function loadMessages(yaml: string): Map<MessageKey, Handlebars.TemplateDelegate> {
  const raw = z.record(z.string(), z.string().min(1)).parse(parseYaml(yaml));
  const missing = MESSAGE_KEYS.filter((k) => !(k in raw));
  const unknown = Object.keys(raw).filter((k) => !(MESSAGE_KEYS as readonly string[]).includes(k));
  if (missing.length || unknown.length) throw new Error(`messages.fr.yaml: missing ${missing.join(', ') || '-'}; unknown ${unknown.join(', ') || '-'}`);
  const instance = Handlebars.create();
  instance.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return new Map(MESSAGE_KEYS.map((k) => [k, instance.compile(raw[k], { noEscape: true, strict: false })]));
}
