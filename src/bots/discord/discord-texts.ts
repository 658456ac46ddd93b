import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { MessageCatalogue } from '../../common/message-catalogue';

export const DISCORD_MESSAGES_FILE = join(__dirname, 'messages.fr.yaml');

/** Every sentence the Discord bot says itself; the file holds exactly these. */
export const DISCORD_MESSAGE_KEYS = [
  'command.aide',
  'command.aide.question',
  'command.ticket',
  'command.motdepasse',
  'command.lier',
  'aide.intro',
  'motdepasse.question',
  'ticket.modal_title',
  'ticket.details_label',
  'ticket.details_placeholder',
  'lier.already',
  'lier.button',
  'reply_in_dm',
  'follow_in_dm',
  'error.unavailable',
] as const;
export type DiscordMessageKey = (typeof DISCORD_MESSAGE_KEYS)[number];

/** The Discord bot's own French texts (`messages.fr.yaml`): command descriptions, the modal, the help. */
@Injectable()
export class DiscordTexts extends MessageCatalogue<DiscordMessageKey> {
  constructor() {
    super(DISCORD_MESSAGE_KEYS, readFileSync(DISCORD_MESSAGES_FILE, 'utf8'), 'bots/discord/messages.fr.yaml');
  }
}
