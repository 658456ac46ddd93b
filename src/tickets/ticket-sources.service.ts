import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/database-errors';
import { Actor } from './ticket-events';
import { TicketMessageEntity } from './ticket-message.entity';
import { TicketStatus } from './ticket-status';
import { PreparedTicket, TicketCreation, TicketRequest } from './ticket-creation.service';
import { TicketChange, TicketWriter } from './ticket-writer';
import { TicketEntity } from './ticket.entity';

/** A ticket as a source system (the ENT's support module) now describes it, with its comments. */
export interface SourceUpdate {
  /** The system, acting as itself. */
  actor: Actor;
  /** The ticket's id in the source system. */
  externalId: string;
  request: Omit<TicketRequest, 'channel' | 'priority' | 'understood' | 'conversation'>;
  category: string | null;
  status: TicketStatus;
  comments: { externalId: string; authorId: string; authorName: string; body: string; createdAt?: Date }[];
}

/**
 * Tickets that live in another system too (the ENT): each delivery says what
 * the ticket now is there. Idempotent on the source's ticket id and comment
 * ids: a redelivery updates, never duplicates. Status changes go through the
 * status rules (the SLA clock pauses and resumes; the group hears of them).
 */
@Injectable()
export class TicketSources {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly creation: TicketCreation,
    private readonly writer: TicketWriter,
  ) {}

  async apply(update: SourceUpdate): Promise<{ ticket: TicketEntity; created: boolean }> {
    try {
      return await this.upsert(update);
    } catch (error) {
      // Two first deliveries raced on the unique ENT id: the loser now finds the winner's row.
      if (isUniqueViolation(error)) return this.upsert(update);
      throw error;
    }
  }

  private async upsert(update: SourceUpdate): Promise<{ ticket: TicketEntity; created: boolean }> {
    // Most deliveries update a known ticket (every ENT comment resends it): classify new ones only, outside any transaction.
    const known = await this.db.getRepository(TicketEntity).findOne({ where: { entTicketId: update.externalId }, select: { id: true } });
    if (known) {
      const { ticket } = await this.writer.change({ id: known.id }, async (c) => {
        c.applySource({ subject: update.request.subject, description: update.request.description, entCategory: update.category, status: update.status }, update.actor);
        await this.addNewComments(c, update);
      });
      return { ticket, created: false };
    }
    const prepared: PreparedTicket = await this.creation.prepare({ ...update.request, channel: 'ent', priority: 'mineur' });
    const ticket = await this.writer.transaction(async (m) => {
      const created = await this.creation.write(prepared, update.actor, {
        within: m,
        source: { entTicketId: update.externalId, entCategory: update.category, status: update.status },
      });
      if (!created) throw new Error('ticket insert returned no row');
      if (update.comments.length) await this.writer.change({ id: created.id }, (c) => this.addNewComments(c, update), { within: m });
      return created;
    });
    return { ticket, created: true };
  }

  private async addNewComments(c: TicketChange, update: SourceUpdate): Promise<void> {
    if (update.comments.length === 0) return;
    const known = await c.m.find(TicketMessageEntity, { where: { ticketId: c.ticket.id }, select: { externalId: true } });
    const seen = new Set(known.map((message) => message.externalId));
    for (const comment of update.comments) {
      if (seen.has(comment.externalId)) continue;
      seen.add(comment.externalId);
      // The source applies its own status rules to its comments and sends the status it reached: no move here.
      await c.addMessage(
        { body: comment.body, visibility: 'public', channel: 'ent', authorId: comment.authorId, authorName: comment.authorName, externalId: comment.externalId, createdAt: comment.createdAt },
        comment.authorId === c.ticket.requesterEntId,
        update.actor,
      );
    }
  }
}
