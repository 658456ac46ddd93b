import { NotificationTransport } from './transport';

/**
 * Where no outside channel is configured (no academic incident tool, no ENT
 * credentials, chat adapters not connected): the notification is kept on the
 * ticket's history, which people read through the API.
 */
export class TimelineTransport implements NotificationTransport {
  readonly name = 'timeline';

  async deliver(): Promise<void> {
    // Recording the delivery on the ticket's history is the delivery.
  }
}
