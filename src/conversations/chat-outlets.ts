import { Injectable } from '@nestjs/common';
import { ChatChannel } from '../admin-actions/actor';
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
}

type Outlet = (reply: ChatReply) => void | Promise<void>;

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

  register(channel: ChatChannel, outlet: Outlet): () => void {
    const set = this.outlets.get(channel) ?? new Set<Outlet>();
    set.add(outlet);
    this.outlets.set(channel, set);
    return () => set.delete(outlet);
  }

  async push(reply: ChatReply): Promise<void> {
    for (const outlet of this.outlets.get(reply.channel) ?? []) await outlet(reply);
  }
}
