import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TicketEvent } from '../../tickets/ticket-events';
import { TicketEntity } from '../../tickets/ticket.entity';
import { Address } from '../audience';

/** One event to tell one address, as a channel receives it. */
export interface Delivery {
  /** The outbox row's id: the same on every attempt, so a receiver can drop a repeat. */
  id: string;
  attempt: number;
  event: TicketEvent;
  address: Address;
  /** The ticket as it is now. */
  ticket: TicketEntity;
}

/**
 * One way of getting ticket events to people or systems (the history, the
 * académie's incident tool, the ENT; Slack, Discord, the web chat). A channel
 * says which addresses it reaches; each one that does gets its own delivery.
 * It renders its own text (Handlebars templates) and resolves once the other
 * side accepted the notification; it throws a `DeliveryError` to be retried.
 */
export interface NotificationChannel {
  readonly name: string;
  /**
   * Hears every event of the tickets of the groups it reaches, not only what
   * people must be told (a Slack card follows each change: a claim, a settled
   * escalation, an internal note).
   */
  readonly followsTickets?: boolean;
  reaches(address: Address, ticket: TicketEntity): boolean;
  /** Returns what the history should keep of the delivery besides its facts (the history channel: the text). */
  deliver(delivery: Delivery): Promise<{ text?: string } | void>;
}

/**
 * What reaches an address no other channel does: the notification is kept on
 * the ticket's history. Delivered by being written, in the relay's own
 * transaction (`deliverWithin`), which it reads in.
 */
export interface FallbackChannel extends NotificationChannel {
  readonly fallback: true;
  deliverWithin(m: EntityManager | undefined, delivery: Delivery): Promise<{ text?: string }>;
}

export function isFallback(channel: NotificationChannel): channel is FallbackChannel {
  return (channel as Partial<FallbackChannel>).fallback === true;
}

export const NOTIFICATION_CHANNEL_METADATA = 'relais:notification-channel';

/** Registers a provider as a notification channel: declaring it in any module is all it takes. */
export const NotificationChannelProvider = (): ClassDecorator => applyDecorators(Injectable(), SetMetadata(NOTIFICATION_CHANNEL_METADATA, true));

/** A refusal worth retrying (network error, 5xx…); the message never contains secrets. */
export class DeliveryError extends Error {}

/** Reads a response body for an error message, short and safe to store. */
export async function describeFailure(response: Response): Promise<string> {
  const body = (await response.text().catch(() => '')).slice(0, 200);
  return `HTTP ${response.status}${body ? `: ${body}` : ''}`;
}
