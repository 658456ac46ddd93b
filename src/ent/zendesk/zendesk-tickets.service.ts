import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AuthenticatedKey } from '../../auth/api-key.service';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RoutingService } from '../../routing/routing.service';
import { uaiSchema } from '../../tickets/dto/ticket.schemas';
import { TicketMessageEntity } from '../../tickets/ticket-message.entity';
import { TicketQueries } from '../../tickets/ticket-queries.service';
import { SourceComment, TicketSources } from '../../tickets/ticket-sources.service';
import { TicketEntity } from '../../tickets/ticket.entity';
import { ENT_ACTOR } from '../dto/ent-ticket.schema';
import { EscalationNote, escalationNoteRenderer } from './escalation-note';
import { CommentInput, CreateTicketInput, UpdateTicketInput } from './dto/zendesk.schemas';
import { Upload, ZendeskAttachments } from './zendesk-attachments.service';
import { zendeskPrefix } from './zendesk-body-parsing';
import { ChangeSpan, ExportPage, exportPage, exportWindow } from './zendesk-export';
import { htmlToText, splitAuthor, textToHtml } from './zendesk-html';
import { statusFromZendesk } from './zendesk-status';
import { attachmentView, CommentData } from './zendesk.views';
import { CustomField, ZendeskCommentEntity, ZendeskTicketEntity } from './zendesk.entities';

/**
 * The comment the ENT sends with a status change and nothing to say: its
 * `support.escalated.ticket.empty` text (French, the connector's locale).
 * Such a comment is a status change, not a message.
 */
const STATUS_ONLY_COMMENTS = ["L'utilisateur n'a pas renseigné de commentaire"];

/** The internal note each escalated ticket starts with. */
const NOTE_EXTERNAL_ID = 'zendesk:escalation-note';

/** The ENT does not say who its requester is in the directory, only their name: the requester is the ENT ticket's. */
export function requesterIdOf(entTicketId: string): string {
  return `ent-ticket:${entTicketId}`;
}

export interface EscalatedTicket {
  link: ZendeskTicketEntity;
  ticket: TicketEntity;
}

/**
 * The tickets a stock ENT escalates through its Zendesk connector, as Relais
 * tickets: created through the tickets module (routed to the tier the routing
 * rules give forwarded requests, with their deadlines and events), linked to
 * the ENT ticket id (a redelivery finds the same ticket) and to the school by
 * UAI; the ENT's later comments and statuses recorded once each; read back
 * as Zendesk tickets, comments and the incremental export the ENT polls.
 */
@Injectable()
export class ZendeskTickets {
  private readonly base: string;
  private readonly fields: AppConfig['zendesk']['fields'];
  private readonly pageSize: number;
  private readonly note: (note: EscalationNote) => string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sources: TicketSources,
    private readonly queries: TicketQueries,
    private readonly routing: RoutingService,
    private readonly attachments: ZendeskAttachments,
    private readonly clock: Clock,
  ) {
    this.base = zendeskPrefix(config.zendesk.basePath);
    this.fields = config.zendesk.fields;
    this.pageSize = config.zendesk.exportPageSize;
    this.note = escalationNoteRenderer();
  }

  /** `POST tickets.json`: a ticket the ENT escalates; the same ENT ticket again is the same ticket. */
  async create(input: CreateTicketInput, key: AuthenticatedKey): Promise<EscalatedTicket> {
    const { subject, comment, custom_fields: customFields } = input.ticket;
    const fields = this.readFields(customFields);
    const text = commentText(comment);
    const { author, body } = splitAuthor(text);
    const uploads = await this.attachments.byTokens(comment.uploads ?? [], key, 'ticket.comment.uploads');
    const known = await this.db.getRepository(TicketEntity).findOne({ where: { entTicketId: fields.entTicketId }, select: { id: true } });
    const requester = fields.requesterName ?? author ?? ENT_ACTOR.name!;
    const { ticket } = await this.sources.apply({
      actor: ENT_ACTOR,
      externalId: fields.entTicketId,
      request: {
        subject,
        description: body || text,
        requester: { entUserId: requesterIdOf(fields.entTicketId), displayName: requester },
        school: fields.schoolUai ? { uai: fields.schoolUai } : undefined,
        // "Transmettre au support": where the routing rules send forwarded requests.
        tier: this.routing.rules.forwardTo,
      },
      category: null,
      // The connector polls the incremental export: nothing is pushed back to the ENT for these tickets.
      pulls: true,
      comments: [
        {
          externalId: NOTE_EXTERNAL_ID,
          authorId: ENT_ACTOR.id,
          authorName: ENT_ACTOR.name!,
          visibility: 'internal',
          body: this.note({ entTicketId: fields.entTicketId, manager: fields.managerName, requester, phone: fields.phone, schoolName: fields.schoolName, uai: fields.schoolUaiText }),
        },
      ],
      attachments: await this.attachments.toAttach(uploads, known?.id ?? null),
    });
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO zendesk_tickets (ticket_id, ent_ticket_id, custom_fields, author_id, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [ticket.id, fields.entTicketId, JSON.stringify(customFields), comment.author_id ?? null, now],
    );
    const link = await this.db.getRepository(ZendeskTicketEntity).findOneByOrFail({ ticketId: ticket.id });
    // The description is the ticket's first comment.
    await this.db.query(
      `INSERT INTO zendesk_comments (zendesk_ticket_id, message_id, author_id, created_at) VALUES ($1, NULL, $2, $3) ON CONFLICT DO NOTHING`,
      [link.id, link.authorId, now],
    );
    return { link, ticket };
  }

  /** `PUT tickets/{id}`: a comment of the ENT (added once, however often it is sent) and the status it reports. */
  async update(zendeskId: string, input: UpdateTicketInput, key: AuthenticatedKey): Promise<EscalatedTicket> {
    const { link, ticket: current } = await this.get(zendeskId);
    const { comment, status } = input.ticket;
    const sourceComment = comment ? await this.sourceComment(comment, current, key) : undefined;
    const { ticket, message } = await this.sources.record(current.id, {
      actor: ENT_ACTOR,
      comment: sourceComment,
      status: status ? (now) => statusFromZendesk(status, now) : undefined,
    });
    if (message) {
      await this.db.query(
        `INSERT INTO zendesk_comments (zendesk_ticket_id, message_id, author_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [link.id, message.id, comment?.author_id ?? link.authorId, this.clock.now()],
      );
    }
    return { link, ticket };
  }

  async get(zendeskId: string): Promise<EscalatedTicket> {
    const link = await this.db.getRepository(ZendeskTicketEntity).findOneBy({ id: zendeskId });
    const [ticket] = link ? await this.queries.byIds([link.ticketId]) : [];
    if (!link || !ticket) throw new DomainError('TICKET_NOT_FOUND', `No ticket ${zendeskId}.`);
    return { link, ticket };
  }

  /**
   * `GET tickets/{id}/comments`: the description, then the public messages.
   * Internal notes are never shown. What came from the ENT has channel "api"
   * (the ENT does not import it back); replies written here have "web" and
   * appear once an export of this key has covered them, so that the ENT,
   * which imports the comments newer than the start of its pull, takes each
   * in exactly one pull (see `zendesk-export.ts`).
   */
  async comments(zendeskId: string, key: AuthenticatedKey): Promise<CommentData[]> {
    const { link, ticket } = await this.get(zendeskId);
    const upTo = await this.exportPosition(key);
    const fromEnt = (m: TicketMessageEntity) => m.channel === 'ent' && m.externalId !== null;
    const messages = (await this.queries.publicMessages(ticket.id)).filter(
      (m) => fromEnt(m) || (upTo !== null && Math.floor(m.createdAt.getTime() / 1000) <= upTo),
    );
    const ids = await this.commentIds(link, messages);
    const files = await this.queries.attachments(ticket.id);
    const fileIds = await this.attachments.ids(files);
    const filesOf = (messageId: string | null) =>
      files.filter((f) => f.messageId === messageId).map((f) => attachmentView(fileIds.get(f.id)!, f, this.base));
    const description = ids.get(null)!;
    return [
      {
        id: description.id,
        authorId: description.authorId,
        text: ticket.description,
        html: textToHtml(`Auteur : ${ticket.requesterName}\n${ticket.description}`),
        channel: 'api',
        createdAt: ticket.createdAt,
        attachments: filesOf(null),
      },
      ...messages.map((m): CommentData => {
        const { id, authorId } = ids.get(m.id)!;
        const ent = fromEnt(m);
        return {
          id,
          authorId,
          text: m.body,
          html: textToHtml(ent ? `Auteur : ${m.authorName}\n${m.body}` : m.body),
          channel: ent ? 'api' : 'web',
          createdAt: m.createdAt,
          attachments: filesOf(m.id),
        };
      }),
    ];
  }

  /** `GET incremental/tickets`: one page of the escalated tickets changed after `startTime` (see `zendesk-export.ts`). */
  async export(startTime: number, key: AuthenticatedKey): Promise<{ page: ExportPage; tickets: EscalatedTicket[] }> {
    const window = exportWindow(startTime, this.clock.now().getTime());
    if (!window) return { page: { ids: [], endTime: startTime, endOfStream: true }, tickets: [] };
    const rows: { id: string; first: string; last: string }[] = await this.db.query(
      `SELECT z.id, floor(extract(epoch FROM min(e.at)))::bigint AS first, floor(extract(epoch FROM max(e.at)))::bigint AS last
         FROM zendesk_tickets z JOIN ticket_events e ON e.ticket_id = z.ticket_id
        WHERE e.at >= to_timestamp($1) AND e.at < to_timestamp($2)
          AND e.type NOT IN ('notification_delivered', 'notification_failed')
        GROUP BY z.id
        ORDER BY first, z.id`,
      [window.after + 1, window.upTo + 1],
    );
    const spans: ChangeSpan[] = rows.map((r) => ({ id: String(r.id), first: Number(r.first), last: Number(r.last) }));
    const page = exportPage(spans, this.pageSize, window.upTo);
    await this.db.query(
      `INSERT INTO zendesk_export_positions (api_key_id, up_to, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (api_key_id) DO UPDATE SET up_to = GREATEST(zendesk_export_positions.up_to, EXCLUDED.up_to), updated_at = EXCLUDED.updated_at`,
      [key.id, window.upTo, this.clock.now()],
    );
    const links = page.ids.length ? await this.db.getRepository(ZendeskTicketEntity).findBy({ id: In(page.ids) }) : [];
    const tickets = new Map((await this.queries.byIds(links.map((l) => l.ticketId))).map((t) => [t.id, t]));
    const byId = new Map(links.map((l) => [l.id, l]));
    return {
      page,
      tickets: page.ids.flatMap((id) => {
        const link = byId.get(id);
        const ticket = link && tickets.get(link.ticketId);
        return link && ticket ? [{ link, ticket }] : [];
      }),
    };
  }

  /** What the custom fields carry, by the ids configured for them (ZENDESK_FIELD_*). */
  private readFields(customFields: CustomField[]) {
    const value = (id: number) => {
      const field = customFields.find((f) => f.id === id);
      if (!field || field.value === null) return null;
      const text = (Array.isArray(field.value) ? field.value.join(', ') : String(field.value)).trim();
      return text || null;
    };
    const entTicketId = value(this.fields.entTicketId);
    if (!entTicketId || !/^[\w.@:-]{1,128}$/.test(entTicketId)) {
      throw new DomainError('VALIDATION_FAILED', 'The request is invalid.', {
        errors: [{ path: 'ticket.custom_fields', message: `custom field ${this.fields.entTicketId} must carry the ENT ticket id (letters, digits and . _ @ : -)` }],
      });
    }
    const uai = value(this.fields.schoolUai);
    const parsedUai = uai ? uaiSchema.safeParse(uai) : null;
    return {
      entTicketId,
      requesterName: value(this.fields.requesterName),
      managerName: value(this.fields.managerName),
      phone: value(this.fields.phone),
      schoolName: value(this.fields.schoolName),
      // A UAI that does not read as one is kept in the note, not looked up.
      schoolUai: parsedUai?.success ? parsedUai.data : null,
      schoolUaiText: uai,
    };
  }

  /** The comment an ENT PUT carries, as a source comment; none for the text it sends with a bare status change. */
  private async sourceComment(comment: CommentInput, ticket: TicketEntity, key: AuthenticatedKey): Promise<SourceComment | undefined> {
    const text = commentText(comment);
    const { author, body } = splitAuthor(text);
    const uploads = await this.attachments.byTokens(comment.uploads ?? [], key, 'ticket.comment.uploads');
    if (uploads.length === 0 && (text === '' || STATUS_ONLY_COMMENTS.includes(body))) return undefined;
    return {
      // The ENT's comment id when it sends one (the comments it had before escalating); else the text and files.
      externalId: comment.id ?? `zendesk:${fingerprint(text, uploads)}`,
      authorId: ticket.requesterEntId,
      authorName: author ?? ENT_ACTOR.name!,
      body: body || text || uploads.map((u) => u.file.fileName).join(', '),
      visibility: comment.public === false ? 'internal' : 'public',
      attachments: await this.attachments.toAttach(uploads, ticket.id),
    };
  }

  /** The comment ids of the description (key null) and of these messages; a message shown for the first time gets the next one. */
  private async commentIds(link: ZendeskTicketEntity, messages: TicketMessageEntity[]) {
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO zendesk_comments (zendesk_ticket_id, message_id, author_id, created_at) VALUES ($1, NULL, $2, $3) ON CONFLICT DO NOTHING`,
      [link.id, link.authorId, now],
    );
    if (messages.length) {
      await this.db.query(
        `INSERT INTO zendesk_comments (zendesk_ticket_id, message_id, created_at)
         SELECT $1, m.id, $3 FROM unnest($2::uuid[]) WITH ORDINALITY AS m(id, n) ORDER BY m.n
         ON CONFLICT DO NOTHING`,
        [link.id, messages.map((m) => m.id), now],
      );
    }
    const rows = await this.db.getRepository(ZendeskCommentEntity).findBy({ zendeskTicketId: link.id });
    return new Map(rows.map((r) => [r.messageId, { id: Number(r.id), authorId: r.authorId === null ? null : Number(r.authorId) }]));
  }

  private async exportPosition(key: AuthenticatedKey): Promise<number | null> {
    const [row]: { up_to: string }[] = await this.db.query('SELECT up_to FROM zendesk_export_positions WHERE api_key_id = $1', [key.id]);
    return row ? Number(row.up_to) : null;
  }
}

/** A comment's text: its HTML read as text, or its plain body. */
function commentText(comment: CommentInput): string {
  return comment.html_body?.trim() ? htmlToText(comment.html_body) : (comment.body ?? '').trim();
}

/** What makes a comment without an ENT id the same comment: its text and its files' contents. */
function fingerprint(text: string, uploads: Upload[]): string {
  return createHash('sha256')
    .update(text)
    .update('\n')
    .update(uploads.map((u) => u.file.sha256).sort().join(','))
    .digest('hex');
}
