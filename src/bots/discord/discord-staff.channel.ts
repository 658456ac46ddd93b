import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { escapeMarkdown } from 'discord.js';
import Handlebars from 'handlebars';
import { DataSource } from 'typeorm';
import { JsonLogger } from '../../common/logging/json-logger';
import { PeriodicTask } from '../../common/periodic-task';
import { CirconscriptionEntity, SchoolEntity } from '../../directory/directory.entities';
import { DirectoryService } from '../../directory/directory.service';
import { Address } from '../../notifications/audience';
import { DeliveryError, Delivery, NotificationChannel, NotificationChannelProvider } from '../../notifications/channels/notification-channel';
import { NotificationTexts } from '../../notifications/notification-texts';
import { RoutingService } from '../../routing/routing.service';
import { TicketEntity } from '../../tickets/ticket.entity';
import { DiscordClient } from './discord-client';
import { discordMessages } from './discord-replies';

export const DISCORD_TEMPLATES_DIR = join(__dirname, 'templates');
const handlebars = Handlebars.create();
const template = (name: string) => handlebars.compile(readFileSync(join(DISCORD_TEMPLATES_DIR, `${name}.hbs`), 'utf8').trimEnd(), { noEscape: true, strict: false });
const CREATED = template('created');
const NOTICE = template('notice');

/** The directory changes by import, rarely: its staff channels are read again this often. */
const RELOAD_MS = 60_000;

/**
 * Ticket notices in the Discord channel of each circonscription (the
 * directory's `discordChannelId`): what the group handling a ticket of one of
 * its schools must hear (a new ticket, an escalation, an SLA reminder or
 * breach). The staff channel's texts are Handlebars templates
 * (`templates/`): its own for a new ticket, the group's notices otherwise.
 */
@NotificationChannelProvider()
export class DiscordStaffChannel implements NotificationChannel, OnApplicationBootstrap, OnApplicationShutdown {
  readonly name = 'discord';
  private bySchool = new Map<string, string>();
  private byCirconscription = new Map<string, string>();
  private readonly reloading: PeriodicTask;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly discord: DiscordClient,
    private readonly directory: DirectoryService,
    private readonly routing: RoutingService,
    private readonly texts: NotificationTexts,
    logger: JsonLogger,
  ) {
    this.reloading = new PeriodicTask('discord.staff_channels', RELOAD_MS, () => this.reload(), logger);
  }

  onApplicationBootstrap(): void {
    if (this.discord.enabled) this.reloading.start({ runNow: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reloading.stop();
  }

  /** Reads which Discord channel each circonscription (and so each of its schools) has. */
  async reload(): Promise<void> {
    const rows = await this.db
      .getRepository(SchoolEntity)
      .createQueryBuilder('s')
      .innerJoin(CirconscriptionEntity, 'c', 'c.id = s.circonscription_id')
      .select(['s.structure_id AS structure_id', 'c.id AS circonscription_id', 'c.discord_channel_id AS channel_id'])
      .where('c.discord_channel_id IS NOT NULL')
      .getRawMany<{ structure_id: string; circonscription_id: string; channel_id: string }>();
    this.bySchool = new Map(rows.map((r) => [r.structure_id, r.channel_id]));
    this.byCirconscription = new Map(rows.map((r) => [r.circonscription_id, r.channel_id]));
  }

  reaches(address: Address, ticket: TicketEntity): boolean {
    if (!this.discord.enabled || address.kind !== 'group') return false;
    const channel = this.channelOf(ticket);
    // A school imported since the last reading: read again, for the next notices.
    if (!channel && ticket.schoolStructureId) this.reloading.trigger();
    return channel !== null;
  }

  async deliver(delivery: Delivery): Promise<{ text?: string } | void> {
    const channelId = this.channelOf(delivery.ticket);
    if (!channelId) return;
    const text = await this.render(delivery);
    if (!text) return;
    try {
      await this.discord.send(channelId, discordMessages(text, []));
    } catch (error) {
      throw new DeliveryError(`Discord refused the staff notice: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { text };
  }

  private channelOf(ticket: TicketEntity): string | null {
    if (ticket.queueKind === 'circonscription' && ticket.queueId) {
      const channel = this.byCirconscription.get(ticket.queueId);
      if (channel) return channel;
    }
    return (ticket.schoolStructureId && this.bySchool.get(ticket.schoolStructureId)) || null;
  }

  private async render(delivery: Delivery): Promise<string | null> {
    const { event, ticket } = delivery;
    const school = ticket.schoolStructureId ? await this.directory.findSchoolByStructureId(ticket.schoolStructureId) : null;
    // What people wrote is shown as written: Discord's Markdown in it is escaped (and mentions never ping).
    const common = { reference: ticket.reference, schoolName: school ? escapeMarkdown(school.name) : null };
    if (event.type === 'created') {
      const tier = event.after.tier;
      const tierLabel = tier ? this.routing.rules.tiers[tier]?.label : null;
      return CREATED({ ...common, subject: escapeMarkdown(ticket.subject), requesterName: escapeMarkdown(ticket.requesterName), priority: ticket.priority, tierLabel });
    }
    const text = await this.texts.render(delivery);
    return text ? NOTICE({ ...common, text: escapeMarkdown(text) }) : null;
  }
}
