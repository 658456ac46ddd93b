import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { DirectoryService } from '../directory/directory.service';
import { Profile } from '../directory/profiles';
import { accountProfileFor } from '../kb/account-route';
import { IntentClassifier } from '../kb/understanding/intent-classifier';
import { Priority } from '../routing/routing-rules';
import { Placement, queuedIn, RoutingService } from '../routing/routing.service';
import { SlaClock } from '../routing/sla/sla-clock';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { isStaffOfSchool, isWithin, Person, personActor } from './ticket-access';
import { Actor } from './ticket-events';
import { ESCALATION_STATUS, TICKET_STATUS, TicketStatus } from './ticket-status';
import { IdempotencyRequest, TicketWriter } from './ticket-writer';
import { SourceChannel, TicketEntity } from './ticket.entity';

/** A request for help, whatever channel it came from (API, chat, ENT). */
export interface TicketRequest {
  subject: string;
  description: string;
  channel: SourceChannel;
  priority: Priority;
  requester: { entUserId: string; login?: string; displayName: string; profile?: Profile };
  /** The school, by ENT structure id or UAI (the other half is looked up). */
  school?: { structureId?: string; uai?: string };
  /**
   * Already understood by the caller (the conversation engine asked the
   * knowledge base): not classified again. `accountProfile`: whose account it
   * is about, when not the requester's own (a teacher about a pupil's password).
   */
  understood?: { intent: string; category: string; accountProfile?: Profile | null };
  /** The requester's chat conversation, where replies go back. */
  conversation?: string;
  /**
   * The tier the channel itself decided, instead of the routing table's: a
   * request the ENT escalates ("Transmettre au support") reaches the tier the
   * routing rules name for forwarded requests.
   */
  tier?: string;
}

/** What is decided before a ticket is written, outside any transaction: its school, intent and place. */
export interface PreparedTicket {
  request: TicketRequest;
  school: { structureId: string | null; uai: string | null };
  intent: { intent: string; category: string };
  placement: Placement;
}

export function hashRequest(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/**
 * Creating tickets: resolve the school, understand the text (unless the caller
 * already did), place it with the routing table, give it its deadlines, and
 * write it. With an idempotency key, a retried request returns the ticket made
 * the first time (`created: false`) and never makes a second.
 */
@Injectable()
export class TicketCreation {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: TicketWriter,
    private readonly directory: DirectoryService,
    private readonly classifier: IntentClassifier,
    private readonly routing: RoutingService,
    private readonly sla: SlaClock,
    private readonly clock: Clock,
  ) {}

  /**
   * `as`: the person asking (an API caller, a linked chat identity), held to
   * the rules: one asks for oneself, or for someone else at a school where one
   * is staff, and only within one's limit. Without it, the caller is trusted
   * (a system: the demo, a source) and `actor` defaults to the requester.
   */
  async create(
    request: TicketRequest,
    options: { as?: Person; actor?: Actor; idempotency?: IdempotencyRequest } = {},
  ): Promise<{ ticket: TicketEntity; created: boolean }> {
    const { as, idempotency } = options;
    if (idempotency) {
      const existing = await this.replayOf(idempotency);
      if (existing) return { ticket: existing, created: false };
    }
    const prepared = await this.prepare(request);
    if (as) assertMayAsk(as, prepared);
    const ticket = await this.write(prepared, as ? personActor(as) : (options.actor ?? requesterActor(request)), { idempotency });
    if (ticket) return { ticket, created: true };
    // A concurrent request with the same key won the race: answer with its ticket.
    const existing = await this.replayOf(idempotency!);
    if (!existing) throw new Error('idempotency key vanished during a concurrent create');
    return { ticket: existing, created: false };
  }

  async prepare(request: TicketRequest): Promise<PreparedTicket> {
    const school = await this.resolveSchool(request.school);
    const writer = request.requester.profile ?? null;
    const intent = request.understood ?? (await this.understand(request, writer));
    // A channel may choose the tier (the ENT's escalation goes to the editor's support); otherwise
    // routed by whose account it is: a pupil's password goes to whoever manages pupils' accounts, whoever writes.
    const placement = request.tier
      ? await this.routing.placeIn(request.tier, school.structureId)
      : await this.routing.place({
          intent: intent.intent,
          profile: intent.accountProfile === undefined ? writer : intent.accountProfile,
          schoolStructureId: school.structureId,
        });
    return { request, school, intent: { intent: intent.intent, category: intent.category }, placement };
  }

  private async understand(request: TicketRequest, writer: Profile | null) {
    const c = await this.classifier.classify(`${request.subject}\n${request.description}`, writer);
    return { intent: c.intent, category: c.category, accountProfile: accountProfileFor(c.intent, writer, c.accountHolder) };
  }

  /**
   * Writes a prepared ticket; `source` carries what a source system (the ENT)
   * says of its own ticket. Returns null only when the idempotency key is taken.
   */
  async write(
    prepared: PreparedTicket,
    actor: Actor,
    options: { idempotency?: IdempotencyRequest; within?: EntityManager; source?: { entTicketId: string; entCategory: string | null; status: TicketStatus; pulls?: boolean } } = {},
  ): Promise<TicketEntity | null> {
    const now = this.clock.now();
    const { request, school, intent, placement } = prepared;
    const redirect = this.routing.tierRule(placement.tier).redirect;
    const ticket: TicketEntity = {
      id: randomUUID(),
      reference: '',
      sourceChannel: request.channel,
      entTicketId: options.source?.entTicketId ?? null,
      requesterEntId: request.requester.entUserId,
      requesterLogin: request.requester.login ?? null,
      requesterName: request.requester.displayName,
      requesterProfile: request.requester.profile ?? null,
      requesterConversation: request.conversation ?? null,
      schoolStructureId: school.structureId,
      schoolUai: school.uai,
      subject: request.subject,
      description: request.description,
      entCategory: options.source?.entCategory ?? null,
      sourcePulls: options.source?.pulls ?? false,
      intent: intent.intent,
      category: intent.category,
      ...queuedIn(placement),
      priority: request.priority,
      // Nothing for us to do on a redirected request: it is answered at once.
      status: TICKET_STATUS[redirect ? 'resolved' : (options.source?.status ?? 'new')],
      escalationStatus: ESCALATION_STATUS.not_done,
      ...this.sla.deadlines(placement.tier, request.priority, now),
      firstRespondedAt: null,
      slaPausedAt: null,
      slaRemindedFor: null,
      slaBreachedFor: null,
      nextSlaCheckAt: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    // A sequence gives contention-free numbers; the prefix is validated by the config schema.
    const referencePrefix = `${this.config.tickets.referencePrefix}-${now.getUTCFullYear()}-`;
    const reference = await this.writer.insert(ticket, actor, { referencePrefix, redirect, idempotency: options.idempotency, within: options.within });
    return reference === null ? null : ticket;
  }

  /** Fills the school's missing half (UAI or structure id) from the directory. */
  private async resolveSchool(ref: TicketRequest['school']): Promise<PreparedTicket['school']> {
    if (!ref || (!ref.structureId && !ref.uai)) return { structureId: null, uai: null };
    const school = ref.structureId ? await this.directory.findSchoolByStructureId(ref.structureId) : await this.directory.findSchoolByUai(ref.uai!);
    return { structureId: ref.structureId ?? school?.structureId ?? null, uai: ref.uai ?? school?.uai ?? null };
  }

  private async replayOf(idempotency: IdempotencyRequest): Promise<TicketEntity | null> {
    const row = await this.db.getRepository(IdempotencyKeyEntity).findOneBy({ apiKeyId: idempotency.apiKeyId, key: idempotency.key });
    if (!row) return null;
    if (row.requestHash !== idempotency.requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request.');
    }
    return this.db.getRepository(TicketEntity).findOneByOrFail({ id: row.ticketId });
  }
}

function assertMayAsk(person: Person, { request, school }: PreparedTicket): void {
  if (!isWithin(school.structureId, person)) {
    throw new DomainError('TICKET_FORBIDDEN_ACTION', 'This API key may not create tickets for this school.');
  }
  if (request.requester.entUserId !== person.scope.entUserId && !isStaffOfSchool(school.structureId, person)) {
    throw new DomainError('TICKET_FORBIDDEN_ACTION', "Only the school's staff may ask for help on someone else's behalf: the requester must be the person you act for.");
  }
}

export function requesterActor(request: Pick<TicketRequest, 'requester'>): Actor {
  return { kind: 'user', id: request.requester.entUserId, name: request.requester.displayName };
}
