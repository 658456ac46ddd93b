import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { TicketEntity } from '../../tickets/ticket.entity';
import { Address } from '../audience';
import { FallbackChannel, isFallback, NOTIFICATION_CHANNEL_METADATA, NotificationChannel } from './notification-channel';

export class ChannelRegistrationError extends Error {}

/**
 * Every notification channel of the application, found at boot among the
 * providers marked `@NotificationChannelProvider()`: adding a channel touches
 * no list. Exactly one fallback (the history) takes what no other channel reaches.
 */
@Injectable()
export class ChannelRegistry implements OnApplicationBootstrap {
  private channels = new Map<string, NotificationChannel>();
  private fallback: FallbackChannel | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const found = this.discovery
      .getProviders()
      .filter((w) => w.metatype && w.instance && this.reflector.get<boolean | undefined>(NOTIFICATION_CHANNEL_METADATA, w.metatype))
      .map((w) => w.instance as NotificationChannel);
    const problems: string[] = [];
    for (const channel of found) {
      if (this.channels.has(channel.name)) problems.push(`two channels are named "${channel.name}"`);
      this.channels.set(channel.name, channel);
    }
    const fallbacks = found.filter(isFallback);
    if (fallbacks.length !== 1) problems.push(`${fallbacks.length} fallback channels (expected exactly one)`);
    if (problems.length) throw new ChannelRegistrationError(`Notification channels:\n  ${problems.join('\n  ')}`);
    this.fallback = fallbacks[0];
  }

  /** The channels that reach this address; the fallback when none does. */
  channelsFor(address: Address, ticket: TicketEntity): NotificationChannel[] {
    const reaching = [...this.channels.values()].filter((c) => !isFallback(c) && c.reaches(address, ticket));
    return reaching.length ? reaching : [this.fallback!];
  }

  /** The channels that follow every event of the tickets of this group. */
  followersOf(group: Address, ticket: TicketEntity): NotificationChannel[] {
    return [...this.channels.values()].filter((c) => c.followsTickets && !isFallback(c) && c.reaches(group, ticket));
  }

  get(name: string): NotificationChannel | undefined {
    return this.channels.get(name);
  }

  names(): string[] {
    return [...this.channels.keys()];
  }
}
