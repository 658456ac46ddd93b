import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { MessageCatalogue } from '../common/message-catalogue';

export const CONVERSATION_MESSAGES_FILE = join(__dirname, 'messages.fr.yaml');

/** Every sentence and button label the conversation engine uses; the file holds exactly these. */
export const CONVERSATION_MESSAGE_KEYS = [
  'garbage.empty',
  'garbage.too_long',
  'garbage.no_words',
  'choice.stale',
  'ask_profile',
  'did_it_help',
  'helped',
  'offer_ticket.not_helped',
  'offer_ticket.no_answer',
  'ticket.cancelled',
  'collect.profile',
  'collect.school',
  'collect.school_unknown',
  'collect.school_choose',
  'collect.name',
  'collect.name_invalid',
  'collect.login',
  'collect.login_invalid',
  'ticket.created',
  'ticket.status',
  'ticket.closed',
  'ticket.already_closed',
  'ticket.none',
  'ticket.add_offer',
  'ticket.added',
  'relay.message',
  'reset.login',
  'reset.cancelled',
  'label.helped',
  'label.not_helped',
  'label.ticket_create',
  'label.ticket_cancel',
  'label.profile.Teacher',
  'label.profile.Personnel',
  'label.profile.Relative',
  'label.profile.Student',
  'label.profile.Guest',
  'label.ticket_status',
  'label.ticket_close',
  'label.ticket_add',
  'label.question_new',
  'label.reset_start',
  'label.reset_mail',
  'label.reset_mobile',
  'label.reset_confirm',
  'label.reset_cancel',
  'label.skip',
  'label.approve',
  'label.refuse',
  'secret.kept_out',
] as const;
export type ConversationMessageKey = (typeof CONVERSATION_MESSAGE_KEYS)[number];

/** The conversation engine's French texts (`messages.fr.yaml`), the same on every channel. */
@Injectable()
export class ConversationTexts extends MessageCatalogue<ConversationMessageKey> {
  constructor() {
    super(CONVERSATION_MESSAGE_KEYS, readFileSync(CONVERSATION_MESSAGES_FILE, 'utf8'), 'conversations/messages.fr.yaml');
  }
}

