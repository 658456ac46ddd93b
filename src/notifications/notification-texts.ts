import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { EntityManager } from 'typeorm';
import { RoutingService } from '../routing/routing.service';
import { TicketQueries } from '../tickets/ticket-queries.service';
import { Delivery } from './channels/notification-channel';

export const TEMPLATES_DIR = join(__dirname, 'templates');

/** Whom a text speaks to: the ENT shows its requester what Relais would say to them. */
type Audience = 'group' | 'requester' | 'academy';

const PARIS_DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' });

function audienceOf(delivery: Delivery): Audience {
  const kind = delivery.address.kind;
  return kind === 'ent' ? 'requester' : kind;
}

/**
 * The French texts of notifications, one Handlebars template per audience
 * and event (`templates/<audience>/<event>.hbs`, shared pieces in
 * `templates/partials/`), typography written in the templates. Channels that
 * carry text (the history, the ENT, chats) render with it; a channel may
 * bring templates of its own for richer formats.
 */
@Injectable()
export class NotificationTexts {
  private readonly handlebars = Handlebars.create();
  private readonly templates = new Map<string, Handlebars.TemplateDelegate>();

  constructor(
    private readonly routing: RoutingService,
    private readonly queries: TicketQueries,
  ) {
    this.handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    // Texts are plain text, not HTML: what people wrote is shown as they wrote it, by each channel.
    const options = { noEscape: true, strict: false };
    for (const file of templateFiles(join(TEMPLATES_DIR, 'partials'))) {
      this.handlebars.registerPartial(basename(file, '.hbs'), readFileSync(file, 'utf8').trimEnd());
    }
    for (const audience of ['group', 'requester', 'academy'] satisfies Audience[]) {
      for (const file of templateFiles(join(TEMPLATES_DIR, audience))) {
        this.templates.set(`${audience}/${basename(file, '.hbs')}`, this.handlebars.compile(readFileSync(file, 'utf8').trimEnd(), options));
      }
    }
  }

  /** Why a ticket was moved up, in words: the person's reason, or the breach that moved it. */
  reasonOf(event: Extract<Delivery['event'], { type: 'escalated' | 'forwarded' }>): string {
    return this.handlebars.compile('{{> reason}}', { noEscape: true })(event.after);
  }

  /** The text for this delivery, or null when there is no template for its audience and event; read in `m`'s transaction when given. */
  async render(delivery: Delivery, m?: EntityManager): Promise<string | null> {
    const template = this.templates.get(`${audienceOf(delivery)}/${delivery.event.type}`);
    return template ? template(await this.context(delivery, m)) : null;
  }

  /** Everything a template may name, flat. */
  private async context(delivery: Delivery, m?: EntityManager): Promise<Record<string, unknown>> {
    const { event, ticket } = delivery;
    const label = (tier: string | null | undefined) => (tier ? this.routing.rules.tiers[tier]?.label ?? tier : '');
    const data: Record<string, unknown> = {
      reference: ticket.reference,
      subject: ticket.subject,
      requesterName: ticket.requesterName,
      priority: ticket.priority,
    };
    switch (event.type) {
      case 'created': {
        const tier = event.after.tier;
        return { ...data, tierLabel: label(tier), TierLabel: capitalize(label(tier)), redirect: tier ? this.routing.rules.tiers[tier]?.redirect : undefined };
      }
      case 'message_added':
        return { ...data, body: (await this.queries.message(event.after.messageId, m))?.body ?? '' };
      case 'status_changed':
        return { ...data, from: event.before.status, to: event.after.status };
      case 'escalated':
      case 'forwarded':
        return { ...data, ...event.after, tierLabel: label(event.after.tier), fromTierLabel: label(event.before.tier) };
      case 'sla_reminder':
      case 'sla_breached':
        return { ...data, deadline: event.after.deadline, dueAt: PARIS_DATE.format(new Date(event.after.dueAt)) };
      default:
        return data;
    }
  }
}

function templateFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.hbs')).map((f) => join(dir, f)) : [];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
