import { Inject, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { JsonLogger } from '../../common/logging/json-logger';
import { OneAtATimeByKey } from '../../common/one-at-a-time-by-key';
import { PeriodicTask } from '../../common/periodic-task';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { CirconscriptionEntity, SchoolEntity } from '../../directory/directory.entities';
import { DirectoryService } from '../../directory/directory.service';
import { Address } from '../../notifications/audience';
import { Delivery, DeliveryError, NotificationChannel, NotificationChannelProvider } from '../../notifications/channels/notification-channel';
import { RoutingService } from '../../routing/routing.service';
import { TicketMessageEntity } from '../../tickets/ticket-message.entity';
import { TicketQueries } from '../../tickets/ticket-queries.service';
import { TicketEntity } from '../../tickets/ticket.entity';
import { escapeMrkdwn, ticketCard } from './slack-cards';
import { SlackBolt } from './slack-bolt';
import { SlackPeople } from './slack-people';
import { SlackCardEntity, SlackThreadMessageEntity } from './slack.entities';
import { frenchDate, SLACK_TEXTS as T } from './slack-texts';

/** The directory changes by import, rarely: its Slack channels are read again this often. */
const RELOAD_MS = 60_000;
const BACK_OFFICE = { kind: 'back_office' } as const;

/**
 * The notification channel `slack`: a card per ticket in its
 * circonscription's channel (the directory's `slackChannelId`; academic
 * support's own channel, SLACK_SUPPORT_CHANNEL_ID, for the tickets of its
 * tier), updated on every event whatever its origin, with the ticket's
 * messages in the card's thread and the SLA warnings as thread replies.
 */
@NotificationChannelProvider()
export class SlackTriageChannel implements NotificationChannel, OnApplicationBootstrap, OnApplicationShutdown {
  readonly name = 'slack';
  readonly followsTickets = true;
  private bySchool = new Map<string, string>();
  private byCirconscription = new Map<string, string>();
  private readonly reloading: PeriodicTask;
  /** One delivery at a time per ticket, so two events never post two cards. */
  private readonly perTicket = new OneAtATimeByKey();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly bolt: SlackBolt,
    private readonly directory: DirectoryService,
    private readonly routing: RoutingService,
    private readonly queries: TicketQueries,
    private readonly people: SlackPeople,
    logger: JsonLogger,
  ) {
    this.reloading = new PeriodicTask('slack.channels', RELOAD_MS, () => this.reload(), logger);
  }

  onApplicationBootstrap(): void {
    if (this.bolt.enabled) this.reloading.start({ runNow: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reloading.stop();
  }

  async reload(): Promise<void> {
    const rows = await this.db
      .getRepository(SchoolEntity)
      .createQueryBuilder('s')
      .innerJoin(CirconscriptionEntity, 'c', 'c.id = s.circonscription_id')
      .select(['s.structure_id AS structure_id', 'c.id AS circonscription_id', 'c.slack_channel_id AS channel_id'])
      .where('c.slack_channel_id IS NOT NULL')
      .getRawMany<{ structure_id: string; circonscription_id: string; channel_id: string }>();
    this.bySchool = new Map(rows.map((r) => [r.structure_id, r.channel_id]));
    this.byCirconscription = new Map(rows.map((r) => [r.circonscription_id, r.channel_id]));
  }

  /** The channel whose people handle the ticket now: academic support's for its tier, else the circonscription's. */
  channelOf(ticket: TicketEntity): string | null {
    if (ticket.queueKind === 'academy' && this.config.slack?.supportChannelId) return this.config.slack.supportChannelId;
    if (ticket.queueKind === 'circonscription' && ticket.queueId) {
      const channel = this.byCirconscription.get(ticket.queueId);
      if (channel) return channel;
    }
    return (ticket.schoolStructureId && this.bySchool.get(ticket.schoolStructureId)) || null;
  }

  reaches(address: Address, ticket: TicketEntity): boolean {
    if (!this.bolt.enabled || address.kind !== 'group') return false;
    const channel = this.channelOf(ticket);
    if (!channel && ticket.schoolStructureId) this.reloading.trigger();
    return channel !== null;
  }

  deliver(delivery: Delivery): Promise<{ text?: string } | void> {
    return this.perTicket.run(delivery.ticket.id, () => this.deliverNow(delivery));
  }

  private async deliverNow({ event, ticket }: Delivery): Promise<{ text?: string } | void> {
    const channelId = this.channelOf(ticket);
    try {
      const cards = await this.cardsOf(ticket.id);
      const card = await this.renderCard(ticket);
      if (channelId && !cards.some((c) => c.channelId === channelId)) {
        // A new card (a new ticket, or one escalated to another channel); the thread gets what was said before it.
        const posted = await this.bolt.client.chat.postMessage({ channel: channelId, text: card.text, blocks: card.blocks, unfurl_links: false });
        const saved = { ticketId: ticket.id, channelId, ts: String(posted.ts), postedAt: new Date() };
        await this.db.getRepository(SlackCardEntity).upsert(saved, ['ticketId', 'channelId']);
        cards.push(saved as SlackCardEntity);
      }
      for (const existing of cards) {
        await this.bolt.client.chat.update({ channel: existing.channelId, ts: existing.ts, text: card.text, blocks: card.blocks });
      }
      if (event.type === 'message_added' || event.type === 'created' || event.type === 'escalated' || event.type === 'forwarded') {
        await this.syncThreads(ticket, cards);
      }
      if ((event.type === 'sla_reminder' || event.type === 'sla_breached') && channelId) {
        const current = cards.find((c) => c.channelId === channelId);
        if (current) {
          const who = await this.mentionFor(ticket);
          const due = frenchDate(new Date(event.after.dueAt));
          const text = event.type === 'sla_reminder' ? T.slaReminder(who, due) : T.slaBreached(who, due);
          await this.bolt.client.chat.postMessage({ channel: channelId, thread_ts: current.ts, text });
          return { text };
        }
      }
      return { text: card.text };
    } catch (error) {
      throw new DeliveryError(`Slack refused the card: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  cardsOf(ticketId: string): Promise<SlackCardEntity[]> {
    return this.db.getRepository(SlackCardEntity).find({ where: { ticketId }, order: { postedAt: 'ASC' } });
  }

  /** The card whose thread this is, if any. */
  cardAt(channelId: string, ts: string): Promise<SlackCardEntity | null> {
    return this.db.getRepository(SlackCardEntity).findOneBy({ channelId, ts });
  }

  /** Keeps in mind that a message is in a thread already (written there). */
  async remember(messageId: string, channelId: string, ts: string): Promise<void> {
    await this.db.getRepository(SlackThreadMessageEntity).upsert({ messageId, channelId, ts }, ['messageId', 'channelId']);
  }

  /** Posts in each card's thread the ticket's messages it does not show yet, each under its author's name. */
  private async syncThreads(ticket: TicketEntity, cards: SlackCardEntity[]): Promise<void> {
    if (!cards.length) return;
    const messages = await this.queries.messages(ticket, BACK_OFFICE);
    if (!messages.length) return;
    const shown = await this.db.getRepository(SlackThreadMessageEntity).findBy({ messageId: In(messages.map((m) => m.id)) });
    const seen = new Set(shown.map((s) => `${s.messageId}|${s.channelId}`));
    const toPost = cards.flatMap((card) => messages.filter((m) => !seen.has(`${m.id}|${card.channelId}`)).map((message) => ({ card, message })));
    if (!toPost.length) return;
    // The thread names each message's files; the files themselves are the ticket's, read through Relais.
    const filesOf = new Map<string, string[]>();
    for (const file of await this.queries.attachments(ticket.id)) {
      if (file.messageId) filesOf.set(file.messageId, [...(filesOf.get(file.messageId) ?? []), file.fileName]);
    }
    for (const { card, message } of toPost) {
      const posted = await this.bolt.client.chat.postMessage({
        channel: card.channelId,
        thread_ts: card.ts,
        text: threadText(message, filesOf.get(message.id) ?? []),
        username: message.authorName.slice(0, 80),
        unfurl_links: false,
      });
      await this.remember(message.id, card.channelId, String(posted.ts));
    }
  }

  private async mentionFor(ticket: TicketEntity): Promise<string> {
    const users = ticket.assigneeId ? await this.people.slackUsersOf(ticket.assigneeId) : [];
    return users.length ? users.map((u) => `<@${u}>`).join(' ') : '<!channel>';
  }

  async renderCard(ticket: TicketEntity) {
    const school = ticket.schoolStructureId ? await this.directory.findSchoolByStructureId(ticket.schoolStructureId) : null;
    const tierLabel = ticket.tier ? (this.routing.rules.tiers[ticket.tier]?.label ?? null) : null;
    return ticketCard({ ticket, schoolName: school?.name ?? null, tierLabel });
  }
}

function threadText(message: TicketMessageEntity, files: string[]): string {
  const body = escapeMrkdwn(message.body) + (files.length ? `\n${escapeMrkdwn(T.attachedFiles(files))}` : '');
  return message.visibility === 'internal' ? `🔒 _${T.internalNote}_\u00a0: ${body}` : body;
}
