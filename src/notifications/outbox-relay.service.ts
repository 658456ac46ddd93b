import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/logging/json-logger';
import { PeriodicTask } from '../common/periodic-task';
import { RecordsetInsert } from '../database/recordset-insert';
import { RoutingService } from '../routing/routing.service';
import { FeedPosition, TicketEventFeed } from '../tickets/ticket-event-feed';
import { TicketQueries } from '../tickets/ticket-queries.service';
import { TicketEvent } from '../tickets/ticket-events';
import { TicketEntity } from '../tickets/ticket.entity';
import { Address, addressKey, audienceOf, isToldToNobody } from './audience';
import { ChannelRegistry } from './channels/channel-registry';
import { NotificationChannel } from './channels/notification-channel';
import { OutboxEntity } from './outbox.entity';
import { OutboxService, RelayedRow } from './outbox.service';

const BATCH = 500;
const POSITION = 'outbox';
/** Another replica holds the relay: look again shortly, its read may have begun before our events committed. */
const BUSY_RETRY_MS = 100;
/**
 * Commits that come within this time of the last relay make one batch: under load each relay
 * (one transaction, the history rows' delivery included) serves many tickets, not one.
 */
const RELAY_GAP_MS = 20;

/**
 * Turns committed ticket events into notifications: for each event, who must
 * hear of it (`audienceOf`) and through which channels, one outbox row each,
 * written together with the relay's position in the history, so each event is
 * relayed once; the history's own rows are delivered there and then. Runs as soon as this process commits events (the feed tells
 * it), and every few seconds for the events of other replicas; one replica at
 * a time (an advisory lock).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;
  private unsubscribe: (() => void) | undefined;
  private retry: NodeJS.Timeout | undefined;
  private insert: RecordsetInsert<OutboxEntity, { id: string }> | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly feed: TicketEventFeed,
    private readonly queries: TicketQueries,
    private readonly channels: ChannelRegistry,
    private readonly routing: RoutingService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    logger: JsonLogger,
  ) {
    this.task = new PeriodicTask('outbox.relay', config.outbox.relayMs, () => this.relay(), logger, { triggerGapMs: RELAY_GAP_MS });
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.feed.subscribe(() => this.task.trigger());
    this.task.start({ runNow: true });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    clearTimeout(this.retry);
    await this.task.stop();
  }

  /** Relays everything committed so far, batch after batch. */
  async relay(): Promise<void> {
    for (;;) {
      const batch = await this.relayBatch();
      if (batch === 'busy') {
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.task.trigger(), BUSY_RETRY_MS);
        this.retry.unref();
        return;
      }
      await this.outbox.dispatch(batch.relayed);
      if (batch.read < BATCH) return;
    }
  }

  /**
   * Each address that must hear of the event, through each channel that
   * reaches it; then the channels that follow the ticket's group, once per
   * event (a follower already told through a group address is not told again).
   */
  private recipients(event: TicketEvent, ticket: TicketEntity): [Address, NotificationChannel][] {
    const found = new Map<string, [Address, NotificationChannel]>();
    for (const address of audienceOf(event, ticket, this.routing.rules)) {
      for (const channel of this.channels.channelsFor(address, ticket)) found.set(`${channel.name}|${addressKey(address)}`, [address, channel]);
    }
    if (ticket.tier) {
      const group: Address = { kind: 'group', tier: ticket.tier };
      const toldAsGroup = new Set([...found.values()].filter(([address]) => address.kind === 'group').map(([, channel]) => channel.name));
      for (const channel of this.channels.followersOf(group, ticket)) {
        if (!toldAsGroup.has(channel.name)) found.set(`${channel.name}|${addressKey(group)}`, [group, channel]);
      }
    }
    return [...found.values()];
  }

  private get rowInsert(): RecordsetInsert<OutboxEntity, { id: string }> {
    return (this.insert ??= new RecordsetInsert('relais_outbox_insert', this.db.getMetadata(OutboxEntity), { onConflictDoNothing: true, returning: ['id'] }));
  }

  private relayBatch(): Promise<{ relayed: RelayedRow[]; read: number } | 'busy'> {
    return this.db.transaction(async (m) => {
      const [{ locked }]: { locked: boolean }[] = await m.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', ['outbox.relay']);
      if (!locked) return 'busy';
      const [position]: FeedPosition[] = await m.query('SELECT CAST(tx AS text) AS tx, seq FROM outbox_relay_position WHERE name = $1', [POSITION]);
      const { events, position: next } = await this.feed.read(m, position, BATCH);
      if (events.length === 0) return { relayed: [], read: 0 };
      // Half the events are the history's records of earlier notifications: no ticket to load for them.
      const told = events.filter((e) => !isToldToNobody(e));
      const ticketIds = [...new Set(told.map((e) => e.ticketId))];
      const tickets = new Map(ticketIds.length ? (await this.queries.byIds(ticketIds, m)).map((t) => [t.id, t]) : []);
      const now = this.clock.now();
      const relayed: RelayedRow[] = [];
      for (const event of told) {
        const ticket = tickets.get(event.ticketId);
        if (!ticket) continue;
        for (const [address, channel] of this.recipients(event, ticket)) {
          const id = randomUUID();
          const row: OutboxEntity = {
            id,
            ticketId: ticket.id,
            eventSeq: event.seq,
            eventType: event.type,
            address,
            addressKey: addressKey(address),
            channel: channel.name,
            state: 'pending',
            attempts: 0,
            nextAttemptAt: now,
            leasedUntil: null,
            lastError: null,
            createdAt: now,
            deliveredAt: null,
          };
          relayed.push({ row, delivery: { id, attempt: 0, event, address, ticket } });
        }
      }
      // The history's rows are delivered by being written, here (a text that cannot be rendered stays pending, retried by a job).
      const rows = await this.outbox.deliverFallbacks(m, relayed);
      // The position moves in the same transaction, so a row exists at most once; the unique key makes sure of it.
      const inserted = new Set((await this.rowInsert.run(m, rows.map((r) => r.row))).map((r) => r.id));
      const written = rows.filter(({ row }) => inserted.has(row.id));
      await this.outbox.recordDelivered(m, written.filter(({ row }) => row.state === 'delivered'));
      await m.query('UPDATE outbox_relay_position SET tx = CAST($2 AS xid8), seq = $3 WHERE name = $1', [POSITION, next.tx, next.seq]);
      return { relayed: written.filter(({ row }) => row.state === 'pending'), read: events.length };
    });
  }
}
