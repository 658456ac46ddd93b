import { TicketEntity } from '../../tickets/ticket.entity';
import { OutboxEntity } from '../outbox.entity';

/** One way of getting a notification to people. `deliver` resolves once the other side accepted it. */
export interface NotificationTransport {
  readonly name: string;
  deliver(notification: OutboxEntity, ticket: TicketEntity): Promise<void>;
}

/** A refusal worth retrying (network error, 5xx…); the message never contains secrets. */
export class DeliveryError extends Error {}

/** Reads a response body for an error message, short and safe to store. */
export async function describeFailure(response: Response): Promise<string> {
  const body = (await response.text().catch(() => '')).slice(0, 200);
  return `HTTP ${response.status}${body ? `: ${body}` : ''}`;
}
