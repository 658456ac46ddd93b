import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Clock } from '../common/clock';
import { EventData } from '../tickets/ticket-event.entity';
import { TicketMessageEntity } from '../tickets/ticket-message.entity';
import { statusFromCode } from '../tickets/ticket-status';
import { TicketEntity } from '../tickets/ticket.entity';
import { Actor, NewTicket, Prepared, TicketsService } from '../tickets/tickets.service';
import { EntTicket } from './dto/ent-ticket.schema';

const ENT_ACTOR: Actor = { kind: 'integration', id: 'ent', name: 'ENT Assistance' };

/** Fields the ENT owns on tickets that came from it; a redelivery may change them. */
type SourceFields = Pick<TicketEntity, 'subject' | 'description' | 'entCategory' | 'status'>;

/**
 * Takes tickets created or updated in the ENT support module. Idempotent on
 * the ENT ticket id and on comment ids: a redelivery updates, never duplicates.
 */
@Injectable()
export class EntIntakeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tickets: TicketsService,
    private readonly clock: Clock,
  ) {}

  async receive(payload: EntTicket): Promise<{ ticket: TicketEntity; created: boolean }> {
    try {
      return await this.upsert(payload);
    } catch (error) {
      // Two first deliveries raced on the unique ENT id: the loser now finds the winner's row.
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        return this.upsert(payload);
      }
      throw error;
    }
  }

  private async upsert(payload: EntTicket): Promise<{ ticket: TicketEntity; created: boolean }> {
    // Looked up before the transaction: the embedded database has a single session.
    const school = await this.tickets.resolveSchool({ structureId: payload.school_id });
    // Most deliveries update a known ticket (every ENT comment resends it): classify new ones only.
    const known = await this.db.getRepository(TicketEntity).existsBy({ entTicketId: payload.id });
    const prepared = known ? undefined : await this.tickets.prepare({ ...payload, requester: this.requesterOf(payload), school });
    const outcome = await this.db.transaction(async (m) => {
      const existing = await m.findOne(TicketEntity, {
        where: { entTicketId: payload.id },
        lock: { mode: 'pessimistic_write' },
      });
      // A ticket first seen here while another delivery was classifying it: prepare it now, outside this transaction.
      if (!existing && !prepared) return null;
      const inserted = existing ? null : await this.createFrom(m, payload, school, prepared!);
      const ticket = existing ?? inserted!.ticket;
      if (existing) await this.applyChanges(m, existing, payload);
      await this.addNewComments(m, ticket, payload);
      return { ticket, created: !existing, outboxIds: inserted?.outboxIds ?? [] };
    });
    if (!outcome) return this.upsert(payload);
    if (outcome.created) await this.tickets.afterCommit(outcome.ticket, outcome.outboxIds);
    return { ticket: outcome.ticket, created: outcome.created };
  }

  private requesterOf(payload: EntTicket): NewTicket['requester'] {
    return { entUserId: payload.owner, login: payload.owner_login, displayName: payload.owner_name, profile: payload.profile };
  }

  private async createFrom(m: EntityManager, payload: EntTicket, school: NewTicket['school'], prepared: Prepared) {
    const inserted = await this.tickets.insertTicket(m, {
      subject: payload.subject,
      description: payload.description,
      channel: 'ent',
      requester: this.requesterOf(payload),
      school,
      priority: 'mineur',
      entTicketId: payload.id,
      entCategory: payload.category ?? null,
      prepared,
      status: statusFromCode(payload.status),
    }, ENT_ACTOR);
    if (!inserted) throw new Error('ticket insert returned no row');
    return inserted;
  }

  private async applyChanges(m: EntityManager, ticket: TicketEntity, payload: EntTicket): Promise<void> {
    const incoming: SourceFields = {
      subject: payload.subject,
      description: payload.description,
      entCategory: payload.category ?? null,
      status: payload.status,
    };
    const before: EventData = {};
    const after: EventData = {};
    for (const field of Object.keys(incoming) as (keyof SourceFields)[]) {
      if (ticket[field] === incoming[field]) continue;
      before[field] = field === 'status' ? statusFromCode(ticket.status) : ticket[field];
      after[field] = field === 'status' ? statusFromCode(incoming.status) : incoming[field];
    }
    if (Object.keys(after).length === 0) return;
    Object.assign(ticket, incoming, { updatedAt: this.clock.now(), version: ticket.version + 1 });
    await m.save(TicketEntity, ticket);
    await this.tickets.recordEvent(m, ticket, 'updated_from_source', ENT_ACTOR, before, after);
  }

  private async addNewComments(m: EntityManager, ticket: TicketEntity, payload: EntTicket): Promise<void> {
    if (payload.comments.length === 0) return;
    const known = await m.find(TicketMessageEntity, { where: { ticketId: ticket.id }, select: { externalId: true } });
    const seen = new Set(known.map((message) => message.externalId));
    for (const comment of payload.comments) {
      if (seen.has(comment.id)) continue;
      seen.add(comment.id);
      const message = await this.tickets.insertMessage(m, ticket, {
        body: comment.content,
        visibility: 'public',
        channel: 'ent',
        authorId: comment.owner,
        authorName: comment.owner_name,
        externalId: comment.id,
        createdAt: comment.created ? new Date(comment.created) : undefined,
      });
      await this.tickets.recordEvent(m, ticket, 'message_added', ENT_ACTOR, null, {
        messageId: message.id,
        entCommentId: comment.id,
        author: comment.owner,
      });
    }
  }
}
