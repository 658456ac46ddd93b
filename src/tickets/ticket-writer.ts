import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThan } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { MicroBatcher } from '../common/micro-batcher';
import { maskSecrets } from '../common/secret-masking';
import { underAdvisoryLock } from '../database/advisory-lock';
import { RecordsetInsert } from '../database/recordset-insert';
import { Placement, queuedIn } from '../routing/routing.service';
import { Deadline, SlaClock } from '../routing/sla/sla-clock';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { NewAttachment } from './ticket-attachment.entity';
import { canSee, Viewer } from './ticket-access';
import { TicketEventEntity } from './ticket-event.entity';
import { Actor, NewTicketEvent, SourceFields } from './ticket-events';
import { TicketEventFeed } from './ticket-event-feed';
import { TicketInsertRequest, TicketInsertStatement } from './ticket-insert.sql';
import { MessageVisibility, TicketMessageEntity } from './ticket-message.entity';
import { deadlinesRun, ESCALATION_STATUS, EscalationStatus, escalationFromCode, statusFromCode, TICKET_STATUS, TicketStatus } from './ticket-status';
import { SourceChannel, TicketEntity } from './ticket.entity';

export interface NewMessage {
  body: string;
  visibility: MessageVisibility;
  channel: SourceChannel;
  authorId: string;
  authorName: string;
  /** The message's id in the source system (an ENT comment), for idempotent intake. */
  externalId?: string;
  createdAt?: Date;
}

/** An event for a ticket's history that changes nothing on the ticket. */
export interface HistoryEntry {
  ticketId: string;
  event: NewTicketEvent;
}

export interface IdempotencyRequest {
  apiKeyId: string;
  key: string;
  requestHash: string;
}

type Where = { reference: string } | { id: string };

/** What anonymised tickets say instead of the person and their words. */
export interface AnonymisationPlaceholder {
  person: string;
  text: string;
}

export interface AnonymisedCounts {
  tickets: number;
  messages: number;
  events: number;
  attachments: number;
}

/** The requester id of an anonymised ticket (the column is required). */
export const ANONYMOUS_ID = 'anonyme';

/** `text` matched literally inside a PostgreSQL regular expression. */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One change to one ticket, inside its transaction, on the locked row: the
 * only way tickets, their messages and their events are changed. Every method
 * records its typed event; the writer saves the ticket and the events when
 * the change ends.
 */
export class TicketChange {
  readonly events: NewTicketEvent[] = [];

  constructor(
    readonly m: EntityManager,
    readonly ticket: TicketEntity,
    readonly now: Date,
    private readonly sla: SlaClock,
  ) {}

  record(event: NewTicketEvent): void {
    this.events.push(event);
  }

  async addMessage(input: NewMessage, byRequester: boolean, actor: Actor): Promise<TicketMessageEntity> {
    const message: TicketMessageEntity = {
      id: randomUUID(),
      ticketId: this.ticket.id,
      authorId: input.authorId,
      authorName: input.authorName,
      visibility: input.visibility,
      channel: input.channel,
      body: maskSecrets(input.body),
      externalId: input.externalId ?? null,
      createdAt: input.createdAt ?? this.now,
    };
    await this.m.insert(TicketMessageEntity, message);
    this.record({
      type: 'message_added',
      actor,
      before: null,
      after: {
        messageId: message.id,
        visibility: message.visibility,
        channel: message.channel,
        byRequester,
        tier: this.ticket.tier,
        ...(input.externalId ? { externalId: input.externalId } : {}),
      },
    });
    return message;
  }

  /**
   * Attaches staged files to a message of this ticket, or to the ticket
   * itself (`messageId` null). Each file is attached once: one that is not
   * staged (unknown, purged, or already attached) refuses the whole change.
   */
  async attach(attachmentIds: string[], messageId: string | null, actor: Actor): Promise<void> {
    if (attachmentIds.length === 0) return;
    const ids = [...new Set(attachmentIds)];
    const rows: { id: string; file_name: string; content_type: string; size: number }[] = await this.m.query(
      `WITH attached AS (
         UPDATE ticket_attachments SET ticket_id = $1, message_id = $2, attached_at = $3
          WHERE id = ANY($4::uuid[]) AND ticket_id IS NULL
          RETURNING id, file_name, content_type, size
       ) SELECT * FROM attached`,
      [this.ticket.id, messageId, this.now, ids],
    );
    if (rows.length !== ids.length) {
      throw new DomainError('ATTACHMENT_NOT_FOUND', 'A file to attach is not staged (unknown, expired or already attached).', {
        attachments: ids.filter((id) => !rows.some((r) => r.id === id)),
      });
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    this.record({
      type: 'attachments_added',
      actor,
      before: null,
      after: {
        messageId,
        attachments: ids.map((id) => {
          const r = byId.get(id)!;
          return { id, fileName: r.file_name, contentType: r.content_type, size: Number(r.size) };
        }),
      },
    });
  }

  /** Moves the status, with what it means for the SLA clock. */
  moveStatus(to: TicketStatus, actor: Actor, reason?: string): void {
    const ticket = this.ticket;
    const from = statusFromCode(ticket.status);
    if (from === to) return;
    ticket.status = TICKET_STATUS[to];
    if (to === 'waiting_for_user') this.sla.pause(ticket, this.now);
    else this.sla.resume(ticket, this.now);
    // A reopened ticket gets a fresh resolution deadline.
    if ((from === 'resolved' || from === 'closed') && to === 'opened' && ticket.tier) {
      ticket.resolutionDueAt = this.sla.deadlines(ticket.tier, ticket.priority, this.now).resolutionDueAt;
    }
    this.record({ type: 'status_changed', actor, before: { status: from }, after: { status: to, tier: ticket.tier, ...(reason ? { reason } : {}) } });
  }

  assign(assignee: { id: string; name: string | null } | null, actor: Actor): void {
    const before = this.ticket.assigneeId;
    if (before === (assignee?.id ?? null)) return;
    this.ticket.assigneeId = assignee?.id ?? null;
    this.ticket.assigneeName = assignee?.name ?? null;
    this.record({ type: 'assigned', actor, before: { assignee: before }, after: { assignee: this.ticket.assigneeId, assigneeName: this.ticket.assigneeName } });
  }

  /** Hands the ticket to another tier's queue (escalation, forwarding): fresh deadlines there, nobody assigned yet. */
  moveTo(placement: Placement, how: 'escalated' | 'forwarded', actor: Actor, why: { reason: string | null; breachOf: Deadline['kind'] | null }): void {
    const ticket = this.ticket;
    const before = { tier: ticket.tier, queue: ticket.queueKind, assignee: ticket.assigneeId, escalationStatus: escalationFromCode(ticket.escalationStatus) };
    Object.assign(ticket, {
      ...queuedIn(placement),
      firstRespondedAt: null,
      // Handing over to the académie's incident tool is in progress until it accepts the ticket.
      escalationStatus: placement.queueKind === 'academy' ? ESCALATION_STATUS.in_progress : ESCALATION_STATUS.successful,
      ...this.sla.deadlines(placement.tier, ticket.priority, this.now),
    });
    this.record({
      type: how,
      actor,
      before,
      after: { tier: placement.tier, queue: placement.queueKind, ...why, escalationStatus: escalationFromCode(ticket.escalationStatus) },
    });
  }

  /** The incident tool's answer to an escalation; a success also settles one that had failed (a dead letter retried). */
  settleEscalation(outcome: Extract<EscalationStatus, 'successful' | 'failed'>, actor: Actor): void {
    const current = escalationFromCode(this.ticket.escalationStatus);
    if (current !== 'in_progress' && !(current === 'failed' && outcome === 'successful')) return;
    this.ticket.escalationStatus = ESCALATION_STATUS[outcome];
    this.record({ type: 'escalation_settled', actor, before: { escalationStatus: current }, after: { escalationStatus: outcome } });
  }

  /** Applies what the source system (the ENT) now says of the fields it owns; without a status, the status stays. */
  applySource(incoming: Required<Omit<SourceFields, 'status'>> & Pick<SourceFields, 'status'>, actor: Actor): void {
    const ticket = this.ticket;
    const before: SourceFields = {};
    const after: SourceFields = {};
    for (const field of ['subject', 'description', 'entCategory'] as const) {
      const value = field === 'entCategory' ? incoming[field] : maskSecrets(incoming[field]);
      if (ticket[field] === value) continue;
      Object.assign(before, { [field]: ticket[field] });
      Object.assign(after, { [field]: value });
      Object.assign(ticket, { [field]: value });
    }
    if (Object.keys(after).length) this.record({ type: 'updated_from_source', actor, before, after });
    // Through the status rules, so the SLA clock pauses and resumes as for any other change.
    if (incoming.status) this.moveStatus(incoming.status, actor);
  }

  markSla(check: 'reminder' | 'breach', deadline: Deadline, actor: Actor): void {
    const field = check === 'reminder' ? 'slaRemindedFor' : 'slaBreachedFor';
    this.ticket[field] = deadline.dueAt;
    this.record({
      type: check === 'reminder' ? 'sla_reminder' : 'sla_breached',
      actor,
      before: null,
      after: { deadline: deadline.kind, dueAt: deadline.dueAt.toISOString(), tier: this.ticket.tier },
    });
  }
}

/**
 * The one writer of tickets, their messages, their events and idempotency
 * keys. Creations go in one statement (with those arriving at the same moment);
 * changes lock the row, apply a `TicketChange`, save the ticket with its
 * events. Once committed, the event feed tells its readers (the notification
 * relay) that new events exist.
 */
@Injectable()
export class TicketWriter {
  /** Tickets created at the same moment (concurrent requests) share one statement and one commit. */
  private readonly creations = new MicroBatcher<TicketInsertRequest, string | null>((requests) =>
    this.insertStatement.run(this.db.manager, requests),
  );
  private statement: TicketInsertStatement | undefined;
  private events: RecordsetInsert<Omit<TicketEventEntity, 'seq'>> | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sla: SlaClock,
    private readonly clock: Clock,
    private readonly feed: TicketEventFeed,
  ) {}

  /** A transaction holding several writes (`within`); the feed hears of it once committed. */
  async transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(work);
    this.feed.committed();
    return result;
  }

  private get insertStatement(): TicketInsertStatement {
    return (this.statement ??= new TicketInsertStatement(this.db.getMetadata(TicketEntity)));
  }

  /**
   * Inserts a new ticket with its "created" event (and the answer of a
   * redirected request, and its idempotency key). Returns its reference, or
   * null when the idempotency key was already taken.
   */
  async insert(
    ticket: TicketEntity,
    actor: Actor,
    options: { referencePrefix: string; redirect?: string; idempotency?: IdempotencyRequest; within?: EntityManager },
  ): Promise<string | null> {
    // Free text is stored masked: a secret typed by mistake never reaches a table.
    ticket.subject = maskSecrets(ticket.subject);
    ticket.description = maskSecrets(ticket.description);
    ticket.nextSlaCheckAt = this.nextSlaCheck(ticket);
    const request: TicketInsertRequest = {
      ticket,
      referencePrefix: options.referencePrefix,
      createdEvent: {
        actorKind: actor.kind,
        actorId: actor.id,
        actorName: actor.name,
        after: {
          status: statusFromCode(ticket.status),
          channel: ticket.sourceChannel,
          subject: ticket.subject,
          intent: ticket.intent,
          tier: ticket.tier,
          ...(ticket.entTicketId ? { entTicketId: ticket.entTicketId } : {}),
        },
      },
      redirectMessage: options.redirect ? { id: randomUUID(), authorId: 'relais', authorName: 'Relais', body: options.redirect } : undefined,
      idempotency: options.idempotency,
    };
    const reference = options.within
      ? (await this.insertStatement.run(options.within, [request]))[0]
      : await this.creations.run(request);
    if (reference === null) return null;
    ticket.reference = reference;
    if (!options.within) this.committed();
    return reference;
  }

  /**
   * Locks the ticket row and applies one change; concurrent changes apply one
   * after the other. A viewer who may not see the ticket gets "not found".
   * With `within`, the change joins the caller's transaction (the caller
   * commits, and the feed hears of it through `transaction`, or the caller
   * reads the feed itself). The change must only
   * use `c.m`: the embedded database has a single session.
   */
  async change<T>(
    where: Where,
    apply: (c: TicketChange) => Promise<T> | T,
    options: { viewer?: Viewer; within?: EntityManager } = {},
  ): Promise<{ ticket: TicketEntity; result: T }> {
    const run = async (m: EntityManager) => {
      const ticket = await m.findOne(TicketEntity, { where, lock: { mode: 'pessimistic_write' } });
      if (!ticket || (options.viewer && !canSee(ticket, options.viewer))) throw ticketNotFound('reference' in where ? where.reference : where.id);
      const change = new TicketChange(m, ticket, this.clock.now(), this.sla);
      const result = await apply(change);
      const nextCheck = this.nextSlaCheck(ticket);
      const checkMoved = nextCheck?.getTime() !== ticket.nextSlaCheckAt?.getTime();
      if (change.events.length === 0 && !checkMoved) return { ticket, result, recorded: false };
      ticket.nextSlaCheckAt = nextCheck;
      if (change.events.length) {
        ticket.updatedAt = change.now;
        ticket.version += 1;
      }
      await m.save(TicketEntity, ticket);
      await this.insertEvents(m, change.events.map((event) => ({ ticketId: ticket.id, event })), change.now);
      return { ticket, result, recorded: change.events.length > 0 };
    };
    if (options.within) {
      const { ticket, result } = await run(options.within);
      return { ticket, result };
    }
    const { ticket, result, recorded } = await this.db.transaction(run);
    if (recorded) this.committed();
    return { ticket, result };
  }

  /**
   * Claims the tickets whose SLA check is due, for one watcher: their next
   * check moves to `leaseUntil`, so another replica skips them (and a crashed
   * watcher's claim simply runs out). The change that handles each resets it.
   */
  async claimDueSlaChecks(now: Date, leaseUntil: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `WITH due AS (
         SELECT id FROM tickets WHERE next_sla_check_at <= $1 ORDER BY next_sla_check_at LIMIT $3 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE tickets t SET next_sla_check_at = $2 FROM due WHERE t.id = due.id RETURNING t.id
       )
       SELECT id FROM claimed`,
      [now, leaseUntil, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Adds entries to tickets' histories that change nothing on the tickets (notifications' deliveries), in `m`'s transaction. */
  async appendHistory(m: EntityManager, entries: readonly HistoryEntry[]): Promise<void> {
    await this.insertEvents(m, entries, this.clock.now());
  }

  /**
   * Keeps a file that will be attached to a ticket or a message once they
   * exist (`TicketChange.attach`); returns its id. In `within`'s transaction when given.
   */
  async stageAttachment(file: NewAttachment, options: { within?: EntityManager } = {}): Promise<string> {
    const id = randomUUID();
    await (options.within ?? this.db.manager).query(
      `INSERT INTO ticket_attachments (id, file_name, content_type, size, sha256, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, file.fileName, file.contentType, file.content.length, createHash('sha256').update(file.content).digest('hex'), file.content, this.clock.now()],
    );
    return id;
  }

  /** Staged files never attached (an upload whose ticket never came). */
  async purgeStagedAttachments(olderThan: Date): Promise<void> {
    await underAdvisoryLock(this.db, 'tickets.purge_staged_attachments', (m) =>
      m.query(`DELETE FROM ticket_attachments WHERE ticket_id IS NULL AND created_at < $1`, [olderThan]).then(() => undefined),
    );
  }

  /** Idempotency keys only need to outlive client retries. */
  async purgeIdempotencyKeys(olderThan: Date): Promise<void> {
    // One replica at a time: the others find the lock taken and skip this round.
    await underAdvisoryLock(this.db, 'tickets.purge_idempotency_keys', (m) => m.delete(IdempotencyKeyEntity, { createdAt: LessThan(olderThan) }).then(() => undefined));
  }

  /**
   * Removes the personal data of whole tickets (retention, or the requester's
   * erasure), in `m`'s transaction: requester, assignee, subject, description,
   * message authors and bodies, event actors and the free text events carry,
   * attachments' names and contents. What the statistics need stays (intent,
   * tier, school, statuses, dates). The history keeps every event: the only
   * path that rewrites it, under the trigger's `relais.privacy` flag.
   */
  async anonymiseTickets(m: EntityManager, ticketIds: string[], placeholder: AnonymisationPlaceholder, now: Date): Promise<AnonymisedCounts> {
    if (!ticketIds.length) return { tickets: 0, messages: 0, events: 0, attachments: 0 };
    await m.query(`SELECT set_config('relais.privacy', 'anonymise', true)`);
    const count = async (sql: string, params: unknown[]) => Number((await m.query(`WITH changed AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM changed`, params))[0].n);
    const messages = await count(
      `UPDATE ticket_messages SET author_id = CASE WHEN author_id = 'relais' THEN author_id ELSE $2 END,
         author_name = CASE WHEN author_id = 'relais' THEN author_name ELSE $3 END, body = $4
        WHERE ticket_id = ANY($1::uuid[])`,
      [ticketIds, ANONYMOUS_ID, placeholder.person, placeholder.text],
    );
    const events = await count(
      `UPDATE ticket_events SET actor_id = CASE WHEN actor_kind = 'system' THEN actor_id ELSE $2 END,
         actor_name = CASE WHEN actor_kind = 'system' THEN actor_name ELSE $3 END,
         before = before - 'subject' - 'description' - 'assigneeName',
         after = after - 'subject' - 'description' - 'assigneeName'
        WHERE ticket_id = ANY($1::uuid[])`,
      [ticketIds, ANONYMOUS_ID, placeholder.person],
    );
    const attachments = await count(
      `UPDATE ticket_attachments SET file_name = 'fichier', content = ''::bytea, size = 0 WHERE ticket_id = ANY($1::uuid[])`,
      [ticketIds],
    );
    const tickets = await count(
      `UPDATE tickets SET requester_ent_id = $2, requester_login = NULL, requester_name = $3, requester_conversation = NULL,
         assignee_id = CASE WHEN assignee_id IS NULL THEN NULL ELSE $2 END, assignee_name = NULL,
         subject = $4, description = $4, anonymised_at = $5
        WHERE id = ANY($1::uuid[])`,
      [ticketIds, ANONYMOUS_ID, placeholder.person, placeholder.text, now],
    );
    return { tickets, messages, events, attachments };
  }

  /**
   * Replaces, in tickets that are not the person's own, every mention of
   * them (`needles`: names, logins, ids; case-insensitive) by the placeholder:
   * those tickets keep their whole history, without the person. In `m`'s transaction.
   */
  async replaceMentions(m: EntityManager, needles: string[], placeholder: string): Promise<AnonymisedCounts> {
    const patterns = needles.filter((n) => n.trim().length >= 3).map(escapeRegex);
    const counts: AnonymisedCounts = { tickets: 0, messages: 0, events: 0, attachments: 0 };
    if (!patterns.length) return counts;
    await m.query(`SELECT set_config('relais.privacy', 'anonymise', true)`);
    const pattern = patterns.join('|');
    // The same names as they appear inside JSON strings (a quote or a backslash escaped).
    const jsonPattern = needles.filter((n) => n.trim().length >= 3).map((n) => escapeRegex(JSON.stringify(n).slice(1, -1))).join('|');
    const count = async (sql: string, params: unknown[]) => Number((await m.query(`WITH changed AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM changed`, params))[0].n);
    const r = (column: string) => `regexp_replace(${column}, $1, $2, 'gi')`;
    counts.tickets = await count(
      `UPDATE tickets SET subject = ${r('subject')}, description = ${r('description')}, requester_name = ${r('requester_name')},
         assignee_id = ${r('assignee_id')}, assignee_name = ${r('assignee_name')}, requester_login = ${r('requester_login')}
        WHERE subject ~* $1 OR description ~* $1 OR requester_name ~* $1 OR assignee_id ~* $1 OR assignee_name ~* $1 OR requester_login ~* $1`,
      [pattern, placeholder],
    );
    counts.messages = await count(
      `UPDATE ticket_messages SET body = ${r('body')}, author_id = ${r('author_id')}, author_name = ${r('author_name')}
        WHERE body ~* $1 OR author_id ~* $1 OR author_name ~* $1`,
      [pattern, placeholder],
    );
    counts.events = await count(
      `UPDATE ticket_events SET actor_id = regexp_replace(actor_id, $1, $2, 'gi'), actor_name = regexp_replace(actor_name, $1, $2, 'gi'),
         before = regexp_replace(before::text, $3, $2, 'gi')::jsonb, after = regexp_replace(after::text, $3, $2, 'gi')::jsonb
        WHERE actor_id ~* $1 OR actor_name ~* $1 OR before::text ~* $3 OR after::text ~* $3`,
      [pattern, placeholder, jsonPattern],
    );
    counts.attachments = await count(
      `UPDATE ticket_attachments SET file_name = regexp_replace(file_name, $1, $2, 'gi') WHERE file_name ~* $1`,
      [pattern, placeholder],
    );
    return counts;
  }

  private nextSlaCheck(ticket: TicketEntity): Date | null {
    return deadlinesRun(statusFromCode(ticket.status)) ? this.sla.nextCheckAt(ticket) : null;
  }

  private async insertEvents(m: EntityManager, entries: readonly HistoryEntry[], at: Date): Promise<void> {
    await this.eventInsert.run(
      m,
      entries.map(({ ticketId, event }) => ({
        ticketId,
        type: event.type,
        actorKind: event.actor.kind,
        actorId: event.actor.id,
        actorName: event.actor.name,
        before: event.before,
        after: event.after,
        at,
      })),
    );
  }

  private get eventInsert(): RecordsetInsert<Omit<TicketEventEntity, 'seq'>> {
    return (this.events ??= new RecordsetInsert('relais_ticket_events_insert', this.db.getMetadata(TicketEventEntity)));
  }

  private committed(): void {
    this.feed.committed();
  }
}

export function ticketNotFound(reference: string): DomainError {
  return new DomainError('TICKET_NOT_FOUND', `No ticket ${reference} visible to you.`);
}
