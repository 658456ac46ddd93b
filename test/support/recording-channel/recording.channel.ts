import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import Handlebars from 'handlebars';
import { Address } from '../../../src/notifications/audience';
import { Delivery, NotificationChannel, NotificationChannelProvider } from '../../../src/notifications/channels/notification-channel';

const template = Handlebars.compile(readFileSync(join(__dirname, 'event.hbs'), 'utf8').trim(), { noEscape: true });

/**
 * A notification channel that lives only in the tests: one provider and its
 * template, plugged into the app as any capability would be. It reaches the
 * groups and follows every event of their tickets, and writes down what it renders.
 */
@NotificationChannelProvider()
export class RecordingChannel implements NotificationChannel {
  readonly name = 'recording';
  readonly followsTickets = true;
  readonly received: { seq: number; type: string; address: Address; text: string }[] = [];

  reaches(address: Address): boolean {
    return address.kind === 'group';
  }

  async deliver({ event, address, ticket }: Delivery): Promise<void> {
    const detail = event.type === 'status_changed' ? `${event.before.status} → ${event.after.status}` : event.type === 'message_added' ? event.after.visibility : '';
    this.received.push({ seq: event.seq, type: event.type, address, text: template({ type: event.type, reference: ticket.reference, detail }) });
  }
}

@Module({ providers: [RecordingChannel] })
export class RecordingChannelModule {}
