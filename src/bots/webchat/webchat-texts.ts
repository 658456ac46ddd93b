import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { MessageCatalogue } from '../../common/message-catalogue';

export const WEBCHAT_MESSAGES_FILE = join(__dirname, 'messages.fr.yaml');

/** Every sentence the web chat says itself; the file holds exactly these. */
export const WEBCHAT_MESSAGE_KEYS = ['session.unknown', 'rate.session', 'rate.address', 'rate.sessions', 'demo.unavailable', 'demo.unknown', 'error.unavailable'] as const;
export type WebchatMessageKey = (typeof WEBCHAT_MESSAGE_KEYS)[number];

/** The web chat's own French texts (`messages.fr.yaml`): refusals and limits. */
@Injectable()
export class WebchatTexts extends MessageCatalogue<WebchatMessageKey> {
  constructor() {
    super(WEBCHAT_MESSAGE_KEYS, readFileSync(WEBCHAT_MESSAGES_FILE, 'utf8'), 'bots/webchat/messages.fr.yaml');
  }
}
