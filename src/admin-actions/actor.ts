import { z } from 'zod';
import { textField } from '../common/text-field';

export const CHAT_CHANNELS = ['slack', 'discord', 'webchat'] as const;
export type ChatChannel = (typeof CHAT_CHANNELS)[number];

/** Someone in a chat: a Slack user (`T…:U…`), a Discord user id, a web chat session. */
export interface ChatIdentity {
  channel: ChatChannel;
  externalId: string;
  displayName?: string | null;
}

/**
 * Who asks for an account action. The chat engine and the bots pass the chat
 * identity they verified; trusted integrations pass the ENT person they act
 * for, with the name of their channel for the audit log.
 */
export type ActorRef = ({ kind: 'chat'; identity: ChatIdentity } | { kind: 'ent'; entUserId: string; channel: string }) & {
  /** ENT structure ids the caller is confined to (an act_as key's limit): outside them it sees and changes nothing. */
  within?: readonly string[];
};

export const chatIdentitySchema = z
  .object({
    channel: z.enum(CHAT_CHANNELS),
    externalId: z.string().trim().regex(/^[\w.:@-]{1,128}$/, '1 to 128 letters, digits or . _ : @ -'),
    displayName: textField(1, 120).nullish(),
  })
  .strict();

export function identityKey(identity: ChatIdentity): string {
  return `${identity.channel}:${identity.externalId}`;
}
