import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, LessThan } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { JobData, OnJob } from '../queue/job';
import { JobQueue } from '../queue/job-queue.service';
import { JOBS } from '../queue/jobs.registry';
import { DirectoryService } from '../directory/directory.service';
import { IntentClassifier } from '../kb/understanding/intent-classifier';
import { AddMessageInput, CreateTicketInput, ListTicketsQuery, TransitionInput } from './dto/ticket.schemas';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { canSee, isRequester, isStaffFor, Viewer } from './ticket-access';
import { ActorKind, EventData, TicketEventEntity, TicketEventType } from './ticket-event.entity';
import { TicketMessageEntity } from './ticket-message.entity';
import {
  applyTransition,
  ESCALATION_STATUS,
  REQUESTER_TRANSITIONS,
  statusAfterComment,
  statusFromCode,
  TICKET_STATUS,
  TicketStatus,
} from './ticket-status';
import { TicketEntity } from './ticket.entity';
import { TicketInsertRequest, TicketInsertStatement } from './ticket-insert.sql';
import { MicroBatcher } from '../common/micro-batcher';
import { Actor, recordTicketEvent } from './ticket-history';
import { Placement, queuedIn, RoutingService } from '../routing/routing.service';
import { SlaClock } from '../routing/sla/sla-clock';
import { SlaScheduler } from '../routing/sla/sla-scheduler';
import { Notification, OutboxService } from '../notifications/outbox.service';
import { messageAdded, statusChanged, ticketCreated, ticketRedirected } from '../notifications/messages';

export type { Actor } from './ticket-history';

/** What a change must tell people: collected during the transaction, written to the outbox with it. */
export class TicketChange {
  readonly notifications: Notification[] = [];

  notify(notifications: Notification[]): void {
    this.notifications.push(...notifications);
  }
}

/** What the service works out before writing a new ticket (outside any transaction). */
export interface Prepared {
  intent: { intent: string; category: string };
  placement: Placement;
}

/** A new ticket as the service stores it, whatever channel it came from. */
export type NewTicket = Omit<CreateTicketInput, 'school'> & {
  school: { structureId: string | null; uai: string | null };
  /** Intent and placement (see `prepare`): computed before the transaction that inserts the ticket. */
  prepared: Prepared;
  entTicketId?: string;
  entCategory?: string | null;
  status?: TicketStatus;
};

export interface IdempotencyRequest {
  apiKeyId: string;
  key: string;
  requestHash: string;
}

const PURGE_EVERY_MS = 3_600_000;

export function hashRequest(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

@Injectable()
export class TicketsService {
  /** Tickets created at the same moment (concurrent requests) share one statement and one commit. */
  private readonly creations = new MicroBatcher<TicketInsertRequest, string | null>((requests) =>
    this.insertStatement.run(this.db.manager, requests),
  );
  private statement: TicketInsertStatement | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
    private readonly queue: JobQueue,
    private readonly classifier: IntentClassifier,
    private readonly routing: RoutingService,
    private readonly sla: SlaClock,
    private readonly slaScheduler: SlaScheduler,
    private readonly outbox: OutboxService,
  ) {}

  private get insertStatement(): TicketInsertStatement {
    return (this.statement ??= new TicketInsertStatement(this.db.getMetadata(TicketEntity)));
  }

  async viewerFor(actorId: string | null, mayReadAll: boolean): Promise<Viewer> {
    if (actorId) return { kind: 'person', scope: await this.directory.scopeOf(actorId) };
    if (mayReadAll) return { kind: 'back_office' };
    throw new DomainError('ACTOR_REQUIRED', 'State the ENT user you act for in the X-On-Behalf-Of header.');
  }

  /** Changes are always made by a named person: the author of a message, the one who resolves. */
  async personFor(actorId: string | null): Promise<Viewer & { kind: 'person' }> {
    if (!actorId) throw new DomainError('ACTOR_REQUIRED', 'State the ENT user you act for in the X-On-Behalf-Of header.');
    return { kind: 'person', scope: await this.directory.scopeOf(actorId) };
  }

  /** Fills the school's missing half (UAI or structure id) from the directory. */
  async resolveSchool(ref: { structureId?: string; uai?: string } | undefined) {
    if (!ref) return { structureId: null, uai: null };
    const school = ref.structureId
      ? await this.directory.findSchoolByStructureId(ref.structureId)
      : await this.directory.findSchoolByUai(ref.uai!);
    return { structureId: ref.structureId ?? school?.structureId ?? null, uai: ref.uai ?? school?.uai ?? null };
  }

  /**
   * Creates a ticket; with an idempotency key, a retried request returns the
   * ticket made the first time (`created: false`) and never makes a second.
   */
  async create(input: Omit<NewTicket, 'prepared'>, actor: Actor, idempotency?: IdempotencyRequest) {
    if (idempotency) {
      const existing = await this.replayOf(idempotency);
      if (existing) return { ticket: existing, created: false };
    }
    const inserted = await this.insertTicket(this.db.manager, { ...input, prepared: await this.prepare(input) }, actor, idempotency);
    if (inserted) {
      await this.afterCommit(inserted.ticket, inserted.outboxIds);
      return { ticket: inserted.ticket, created: true };
    }
    // A concurrent request with the same key won the race: answer with its ticket.
    const existing = await this.replayOf(idempotency!);
    if (!existing) throw new Error('idempotency key vanished during a concurrent create');
    return { ticket: existing, created: false };
  }

  /** The intent and category of a new ticket (from its subject and description), and where it goes. */
  async prepare(input: Pick<NewTicket, 'subject' | 'description' | 'requester' | 'school'>): Promise<Prepared> {
    const { intent, category } = await this.classifier.classify(`${input.subject}\n${input.description}`);
    const placement = await this.routing.place({
      intent,
      profile: input.requester.profile ?? null,
      schoolStructureId: input.school.structureId,
    });
    return { intent: { intent, category }, placement };
  }

  /** Once the change is committed: deliver its notifications, watch its deadlines. */
  async afterCommit(ticket: TicketEntity, outboxIds: string[]): Promise<void> {
    await this.outbox.dispatch(outboxIds);
    await this.slaScheduler.schedule(ticket);
  }

  private async replayOf(idempotency: IdempotencyRequest): Promise<TicketEntity | null> {
    const row = await this.db
      .getRepository(IdempotencyKeyEntity)
      .findOneBy({ apiKeyId: idempotency.apiKeyId, key: idempotency.key });
    if (!row) return null;
    if (row.requestHash !== idempotency.requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request.');
    }
    return this.db.getRepository(TicketEntity).findOneByOrFail({ id: row.ticketId });
  }

  /**
   * Inserts the ticket, routed and with its SLA due dates, together with its
   * "created" event, its notifications (and idempotency key) in one statement;
   * outside a transaction, with the other tickets created at the same moment.
   * Returns null only when the idempotency key is already taken.
   */
  async insertTicket(
    m: EntityManager,
    input: NewTicket,
    actor: Actor,
    idempotency?: IdempotencyRequest,
  ): Promise<{ ticket: TicketEntity; outboxIds: string[] } | null> {
    const request = this.insertRequest(input, actor, idempotency);
    const reference = m.queryRunner ? (await this.insertStatement.run(m, [request]))[0] : await this.creations.run(request);
    if (reference === null) return null;
    request.ticket.reference = reference;
    return { ticket: request.ticket, outboxIds: request.outbox.filter((o) => o.state === 'pending').map((o) => o.id) };
  }

  private insertRequest(input: NewTicket, actor: Actor, idempotency?: IdempotencyRequest): TicketInsertRequest {
    const now = this.clock.now();
    const { intent, placement } = input.prepared;
    const redirect = this.routing.tierRule(placement.tier).redirect;
    const ticket: TicketEntity = {
      id: randomUUID(),
      reference: '',
      sourceChannel: input.channel,
      entTicketId: input.entTicketId ?? null,
      requesterEntId: input.requester.entUserId,
      requesterLogin: input.requester.login ?? null,
      requesterName: input.requester.displayName,
      requesterProfile: input.requester.profile ?? null,
      schoolStructureId: input.school.structureId,
      schoolUai: input.school.uai,
      subject: input.subject,
      description: input.description,
      entCategory: input.entCategory ?? null,
      intent: intent.intent,
      category: intent.category,
      ...queuedIn(placement),
      priority: input.priority,
      // Nothing for us to do on a redirected request: it is answered at once.
      status: TICKET_STATUS[redirect ? 'resolved' : (input.status ?? 'new')],
      escalationStatus: ESCALATION_STATUS.not_done,
      ...this.sla.deadlines(placement.tier, input.priority, now),
      firstRespondedAt: null,
      slaPausedAt: null,
      slaRemindedFor: null,
      slaBreachedFor: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const referencePrefix = `${this.config.tickets.referencePrefix}-${now.getUTCFullYear()}-`;
    // The reference comes from the database: notifications name it through a placeholder filled by the statement.
    ticket.reference = '{{reference}}';
    const notifications = redirect ? ticketRedirected(ticket, redirect) : ticketCreated(ticket);
    const outbox = notifications.map((n) => this.outbox.row(ticket, n));
    return {
      ticket,
      // A sequence gives contention-free numbers; the prefix is validated by the config schema.
      referencePrefix,
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
      outbox,
      deliveredEvents: outbox.filter((o) => o.state === 'delivered').map((o) => this.outbox.deliveryRecord(o, o.transport!)),
      redirectMessage: redirect ? { id: randomUUID(), authorId: 'relais', authorName: 'Relais', body: redirect } : undefined,
      idempotency,
    };
  }

  async recordEvent(
    m: EntityManager,
    ticket: TicketEntity,
    type: TicketEventType,
    actor: Actor,
    before: EventData | null,
    after: EventData | null,
  ): Promise<void> {
    await recordTicketEvent(m, ticket.id, type, actor, before, after, this.clock.now());
  }

  async list(query: ListTicketsQuery, viewer: Viewer) {
    const qb = this.db.getRepository(TicketEntity).createQueryBuilder('t');
    if (viewer.kind === 'person') {
      const { scope } = viewer;
      qb.andWhere(
        new Brackets((w) => {
          w.where('t.requester_ent_id = :me', { me: scope.entUserId });
          if (scope.schoolStructureIds.length) w.orWhere('t.school_structure_id IN (:...mine)', { mine: scope.schoolStructureIds });
          if (scope.seesEditorQueue) w.orWhere(`t.tier = 'editor_support'`);
        }),
      );
    }
    if (query.status) qb.andWhere('t.status IN (:...statuses)', { statuses: query.status.map((s) => TICKET_STATUS[s as TicketStatus]) });
    if (query.school) qb.andWhere('(t.school_structure_id = :school OR t.school_uai = :school)', { school: query.school });
    if (query.tier) qb.andWhere('t.tier = :tier', { tier: query.tier });
    if (query.assignee) qb.andWhere('t.assignee_id = :assignee', { assignee: query.assignee });
    if (query.text) {
      query.text
        .split(/\s+/)
        .filter(Boolean)
        .slice(0, 8)
        .forEach((word, i) => {
          qb.andWhere(`relais_unaccent(lower(t.subject || ' ' || t.description)) LIKE relais_unaccent(lower(:w${i}))`, {
            [`w${i}`]: `%${word.replace(/[\\%_]/g, (c) => '\\' + c)}%`,
          });
        });
    }
    qb.orderBy('t.created_at', 'DESC').addOrderBy('t.id', 'DESC');
    qb.skip((query.page - 1) * query.pageSize).take(query.pageSize);
    const [items, total] = await qb.getManyAndCount();
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  /** Reads a ticket the viewer may see; an invisible ticket is reported as not found. */
  async get(reference: string, viewer: Viewer): Promise<TicketEntity> {
    const ticket = await this.db.getRepository(TicketEntity).findOneBy({ reference });
    if (!ticket || !canSee(ticket, viewer)) throw notFound(reference);
    return ticket;
  }

  async messages(ticket: TicketEntity, viewer: Viewer): Promise<TicketMessageEntity[]> {
    const all = await this.db
      .getRepository(TicketMessageEntity)
      .find({ where: { ticketId: ticket.id }, order: { createdAt: 'ASC' } });
    return isStaffFor(ticket, viewer) ? all : all.filter((message) => message.visibility === 'public');
  }

  async history(reference: string, viewer: Viewer): Promise<TicketEventEntity[]> {
    const ticket = await this.get(reference, viewer);
    return this.db.getRepository(TicketEventEntity).find({ where: { ticketId: ticket.id }, order: { seq: 'ASC' } });
  }

  async addMessage(reference: string, input: AddMessageInput, viewer: Viewer & { kind: 'person' }) {
    const actor = this.personActor(viewer);
    return this.changeTicket({ reference }, viewer, async (m, ticket, change) => {
      const byRequester = isRequester(ticket, viewer);
      const internal = input.visibility === 'internal';
      if (internal && !isStaffFor(ticket, viewer)) {
        throw new DomainError('TICKET_FORBIDDEN_ACTION', 'Only the people handling a ticket may add internal notes.');
      }
      // The first public answer from staff meets the first-response deadline.
      if (!internal && !byRequester && !ticket.firstRespondedAt) ticket.firstRespondedAt = this.clock.now();
      const authorName = actor.name ?? (byRequester ? ticket.requesterName : actor.id);
      const message = await this.insertMessage(m, ticket, { ...input, authorId: actor.id, authorName });
      await this.recordEvent(m, ticket, 'message_added', actor, null, {
        messageId: message.id,
        visibility: message.visibility,
        channel: message.channel,
      });
      await this.moveStatus(m, ticket, statusAfterComment(statusFromCode(ticket.status), { byRequester, internal }), actor, change);
      // Told after the status moved, so the ENT gets the ticket's new status with the comment.
      if (!internal) change.notify(messageAdded(ticket, input.body, byRequester));
      return message;
    });
  }

  async insertMessage(
    m: EntityManager,
    ticket: TicketEntity,
    input: AddMessageInput & { authorId: string; authorName: string; externalId?: string; createdAt?: Date },
  ): Promise<TicketMessageEntity> {
    const message: TicketMessageEntity = {
      id: randomUUID(),
      ticketId: ticket.id,
      authorId: input.authorId,
      authorName: input.authorName,
      visibility: input.visibility,
      channel: input.channel,
      body: input.body,
      externalId: input.externalId ?? null,
      createdAt: input.createdAt ?? this.clock.now(),
    };
    await m.insert(TicketMessageEntity, message);
    return message;
  }

  async transition(reference: string, input: TransitionInput, viewer: Viewer & { kind: 'person' }) {
    const actor = this.personActor(viewer);
    return this.changeTicket({ reference }, viewer, async (m, ticket, change) => {
      const staff = isStaffFor(ticket, viewer);
      if (!staff && !(isRequester(ticket, viewer) && REQUESTER_TRANSITIONS.includes(input.action))) {
        throw new DomainError('TICKET_FORBIDDEN_ACTION', `You may not ${input.action} this ticket.`);
      }
      const current = statusFromCode(ticket.status);
      const outcome = applyTransition(current, input.action);
      if (!outcome.ok) {
        throw new DomainError(
          'TICKET_ILLEGAL_TRANSITION',
          `Cannot ${input.action} a ticket that is ${current}; allowed from: ${outcome.allowedFrom.join(', ')}.`,
          { status: current, allowedFrom: outcome.allowedFrom },
        );
      }
      if (input.action === 'claim' && ticket.assigneeId !== actor.id) {
        const before = { assignee: ticket.assigneeId };
        ticket.assigneeId = actor.id;
        ticket.assigneeName = actor.name;
        await this.recordEvent(m, ticket, 'assigned', actor, before, { assignee: actor.id });
      }
      await this.moveStatus(m, ticket, outcome.to, actor, change, input.reason);
      return ticket;
    });
  }

  /**
   * Locks the ticket row for the change, so concurrent changes apply one after
   * the other; the change's notifications commit with it, and are dispatched
   * (with the ticket's next SLA checks) once it is committed.
   * The change must only use `m`: the embedded database has a single session.
   */
  async changeTicket<T>(
    where: { reference: string } | { id: string },
    viewer: Viewer,
    apply: (m: EntityManager, ticket: TicketEntity, change: TicketChange) => Promise<T>,
  ) {
    const change = new TicketChange();
    const { ticket, result, outboxIds } = await this.db.transaction(async (m) => {
      const ticket = await m.findOne(TicketEntity, { where, lock: { mode: 'pessimistic_write' } });
      if (!ticket || !canSee(ticket, viewer)) throw notFound('reference' in where ? where.reference : where.id);
      const result = await apply(m, ticket, change);
      ticket.updatedAt = this.clock.now();
      ticket.version += 1;
      await m.save(TicketEntity, ticket);
      const outboxIds = await this.outbox.add(m, ticket, change.notifications);
      return { ticket, result, outboxIds };
    });
    await this.afterCommit(ticket, outboxIds);
    return { ticket, result };
  }

  /** Moves the status, with what it means for the SLA clock and for the requester. */
  async moveStatus(m: EntityManager, ticket: TicketEntity, to: TicketStatus, actor: Actor, change: TicketChange, reason?: string) {
    const from = statusFromCode(ticket.status);
    if (from === to) return;
    const now = this.clock.now();
    ticket.status = TICKET_STATUS[to];
    if (to === 'waiting_for_user') this.sla.pause(ticket, now);
    else this.sla.resume(ticket, now);
    // A reopened ticket gets a fresh resolution deadline.
    if ((from === 'resolved' || from === 'closed') && to === 'opened' && ticket.tier) {
      ticket.resolutionDueAt = this.sla.deadlines(ticket.tier, ticket.priority, now).resolutionDueAt;
    }
    if (actor.id !== ticket.requesterEntId) change.notify(statusChanged(ticket, from, to));
    await this.recordEvent(m, ticket, 'status_changed', actor, { status: from }, { status: to, ...(reason ? { reason } : {}) });
  }

  private personActor(viewer: Viewer & { kind: 'person' }): Actor {
    return { kind: 'user', id: viewer.scope.entUserId, name: viewer.scope.displayName };
  }

  /** Idempotency keys only need to outlive client retries; an hourly job drops old ones. */
  async schedulePurge(): Promise<void> {
    await this.queue.enqueueNextRun(JOBS.purgeIdempotencyKeys, { olderThanHours: 24 }, PURGE_EVERY_MS, this.clock.now().getTime());
  }

  @OnJob(JOBS.purgeIdempotencyKeys)
  async purgeIdempotencyKeys(data: JobData<typeof JOBS.purgeIdempotencyKeys>): Promise<void> {
    const cutoff = new Date(this.clock.now().getTime() - data.olderThanHours * 3_600_000);
    await this.db.getRepository(IdempotencyKeyEntity).delete({ createdAt: LessThan(cutoff) });
    await this.schedulePurge();
  }
}

function notFound(reference: string): DomainError {
  return new DomainError('TICKET_NOT_FOUND', `No ticket ${reference} visible to you.`);
}
