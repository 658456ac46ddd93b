import { Injectable } from '@nestjs/common';
import { ChatChannel, ChatIdentity } from '../admin-actions/actor';
import { ChatChoice } from './conversation.entity';

/** One message of Relais in a conversation, as every channel receives it; adapters only translate it. */
export interface ChatReply {
  /** Relais's id of the conversation. */
  conversationId: string;
  channel: ChatChannel;
  /** The channel's own id of the conversation. */
  externalId: string;
  /** French, plain text (light Markdown at most); never empty. */
  text: string;
  choices: ChatChoice[];
  /** Set when the reply gives a knowledge-base answer. */
  answer: { intent: string } | null;
  /** Set when the reply tells that a ticket was created or changed. */
  ticket: { reference: string; tier: string | null; status: string } | null;
  /** Holds a secret (a renewal code for the approver): shown once, in a private conversation only, never kept. */
  secret?: boolean;
}

type Outlet = (reply: ChatReply) => void | Promise<void>;
/** Opens (or finds) a private conversation with a person on a channel; its id, or null when it cannot. */
type Opener = (identity: ChatIdentity) => Promise<string | null>;

/**
 * Where replies that nobody asked for at that moment go (a staff answer, a
 * status change relayed into the conversation): the adapter of each channel
 * that runs in this process registers how to send them. A reply whose channel
 * has no adapter here is still kept with the conversation, shown when it
 * reconnects.
 */
@Injectable()
export class ChatOutlets {
  private readonly outlets = new Map<ChatChannel, Set<Outlet>>();
  private readonly openers = new Map<ChatChannel, Opener>();

  register(channel: ChatChannel, outlet: Outlet): () => void {
    const set = this.outlets.get(channel) ?? new Set<Outlet>();
    set.add(outlet);
    this.outlets.set(channel, set);
    return () => set.delete(outlet);
  }

  /** How a channel starts a private conversation (a Discord or Slack direct message). */
  registerOpener(channel: ChatChannel, opener: Opener): void {
    this.openers.set(channel, opener);
  }

  /** The private conversation with this person: on the web chat, their own session; elsewhere what the channel opens. */
  async openPrivate(identity: ChatIdentity): Promise<string | null> {
    const opener = this.openers.get(identity.channel);
    if (opener) return opener(identity);
    return identity.channel === 'webchat' ? identity.externalId : null;
  }

  async push(reply: ChatReply): Promise<void> {
    for (const outlet of this.outlets.get(reply.channel) ?? []) await outlet(reply);
  }
}
