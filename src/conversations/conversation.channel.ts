import { Address } from '../notifications/audience';
import { Delivery, NotificationChannel, NotificationChannelProvider } from '../notifications/channels/notification-channel';
import { NotificationTexts } from '../notifications/notification-texts';
import { TicketQueries } from '../tickets/ticket-queries.service';
import { statusFromCode } from '../tickets/ticket-status';
import { SourceChannel } from '../tickets/ticket.entity';
import { ConversationEngine } from './conversation-engine.service';
import { ConversationTexts } from './conversation-texts';

/** The tickets' source channels that are conversations of the engine. */
const CHAT_SOURCES: readonly SourceChannel[] = ['web', 'discord', 'slack'];

/**
 * The requester's conversation as a notification channel: what staff answer
 * and what happens to the ticket is said in the conversation the ticket came
 * from, whichever chat it is (the engine keeps it and sends it if the chat is
 * connected here). The creation is not repeated: the conversation said it.
 */
@NotificationChannelProvider()
export class ConversationChannel implements NotificationChannel {
  readonly name = 'conversation';

  constructor(
    private readonly engine: ConversationEngine,
    private readonly notices: NotificationTexts,
    private readonly texts: ConversationTexts,
    private readonly queries: TicketQueries,
  ) {}

  reaches(address: Address): boolean {
    return address.kind === 'requester' && address.conversation !== null && CHAT_SOURCES.includes(address.channel);
  }

  async deliver(delivery: Delivery): Promise<{ text?: string }> {
    const { event, ticket, address } = delivery;
    if (address.kind !== 'requester' || !address.conversation || event.type === 'created') return {};
    let text: string | null;
    if (event.type === 'message_added') {
      const message = await this.queries.message(event.after.messageId);
      text = message && this.texts.render('relay.message', { author: message.authorName, reference: ticket.reference, body: message.body });
    } else {
      text = await this.notices.render(delivery);
    }
    if (!text) return {};
    const changed = event.type !== 'message_added';
    await this.engine.relay(address.conversation, { text, ticket: changed ? { reference: ticket.reference, tier: ticket.tier, status: statusFromCode(ticket.status) } : null }, event.type === 'message_added' ? 'staff' : 'relais');
    return { text };
  }
}
