import { EntityManager } from 'typeorm';
import { NotificationTexts } from '../notification-texts';
import { Delivery, FallbackChannel, NotificationChannelProvider } from './notification-channel';

/**
 * Where no other channel reaches an address (no incident tool configured, no
 * ENT credentials, no chat connected for that person or group), the
 * notification is kept on the ticket's history, text included, which people
 * read through the API.
 */
@NotificationChannelProvider()
export class HistoryChannel implements FallbackChannel {
  readonly name = 'history';
  readonly fallback = true;

  constructor(private readonly texts: NotificationTexts) {}

  reaches(): boolean {
    return false;
  }

  deliver(delivery: Delivery): Promise<{ text?: string }> {
    return this.deliverWithin(undefined, delivery);
  }

  async deliverWithin(m: EntityManager | undefined, delivery: Delivery): Promise<{ text?: string }> {
    const text = await this.texts.render(delivery, m);
    return text === null ? {} : { text };
  }
}
