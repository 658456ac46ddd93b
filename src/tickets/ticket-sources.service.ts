import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, Not } from 'typeorm';
import { isUniqueViolation } from '../database/database-errors';
import { NewAttachment } from './ticket-attachment.entity';
import { Actor } from './ticket-events';
import { MessageVisibility, TicketMessageEntity } from './ticket-message.entity';
import { statusAfterComment, statusFromCode, TicketStatus } from './ticket-status';
import { PreparedTicket, TicketCreation, TicketRequest } from './ticket-creation.service';
import { TicketChange, TicketWriter } from './ticket-writer';
import { TicketEntity } from './ticket.entity';

/** A comment of the source system, added once: `externalId` is its identity there. */
export interface SourceComment {
  externalId: string;
  authorId: string;
  authorName: string;
  body: string;
  createdAt?: Date;
  /** Public unless said otherwise (a note the source writes for the people handling the ticket). */
  visibility?: MessageVisibility;
  /** Staged files that come with the comment (`TicketSources.stageAttachment`). */
  attachments?: string[];
}

/** A ticket as a source system (the ENT's support module) now describes it, with its comments. */
export interface SourceUpdate {
  /** The system, acting as itself. */
  actor: Actor;
  /** The ticket's id in the source system. */
  externalId: string;
  request: Omit<TicketRequest, 'channel' | 'priority' | 'understood' | 'conversation'>;
  category: string | null;
  /** The status the source reached; without one, a new ticket is new and a known one keeps its status. */
  status?: TicketStatus;
  comments: SourceComment[];
  /** Staged files of the ticket itself (sent with its description). */
  attachments?: string[];
  /** The source reads the ticket's changes itself (a pull), rather than being told them. */
  pulls?: boolean;
}

/** What happened to a known ticket in the source system since: a comment, a status, files (each optional). */
export interface SourceChange {
  actor: Actor;
  /** Added once, and through the status rules of a comment (on a resolved ticket it reopens it). */
  comment?: SourceComment;
  /** What the source's status means for the ticket as it is now (read under its lock, after the comment). */
  status?: (current: TicketStatus) => TicketStatus;
  /** Staged files of the ticket itself. */
  attachments?: string[];
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

  /**
   * Records what the source did on one of its tickets since (a comment, a
   * status, files). Returns the message the comment is, whether it was added
   * now or already known (a redelivery).
   */
  async record(ticketId: string, change: SourceChange): Promise<{ ticket: TicketEntity; message: TicketMessageEntity | null; added: boolean }> {
    const { ticket, result } = await this.writer.change({ id: ticketId }, async (c) => {
      await c.attach(change.attachments ?? [], null, change.actor);
      let outcome: { message: TicketMessageEntity | null; added: boolean } = { message: null, added: false };
      if (change.comment) {
        outcome = await this.addComment(c, change.comment, change.actor);
        // Unlike a full delivery (`apply`), the source says what it did, not the status it reached: the rules of a comment apply.
        if (outcome.added && outcome.message) {
          const byRequester = outcome.message.authorId === c.ticket.requesterEntId;
          const internal = outcome.message.visibility === 'internal';
          c.moveStatus(statusAfterComment(statusFromCode(c.ticket.status), { byRequester, internal }), change.actor);
        }
      }
      if (change.status) c.moveStatus(change.status(statusFromCode(c.ticket.status)), change.actor);
      return outcome;
    });
    return { ticket, ...result };
  }

  /** Keeps a file the source sends before the ticket or comment it goes with; returns the id to attach it by. */
  stageAttachment(file: NewAttachment): Promise<string> {
    return this.writer.stageAttachment(file);
  }

  private async upsert(update: SourceUpdate): Promise<{ ticket: TicketEntity; created: boolean }> {
    // Most deliveries update a known ticket (every ENT comment resends it): classify new ones only, outside any transaction.
    const known = await this.db.getRepository(TicketEntity).findOne({ where: { entTicketId: update.externalId }, select: { id: true } });
    if (known) {
      const { ticket } = await this.writer.change({ id: known.id }, async (c) => {
        c.applySource({ subject: update.request.subject, description: update.request.description, entCategory: update.category, status: update.status }, update.actor);
        await c.attach(update.attachments ?? [], null, update.actor);
        await this.addNewComments(c, update);
      });
      return { ticket, created: false };
    }
    const prepared: PreparedTicket = await this.creation.prepare({ ...update.request, channel: 'ent', priority: 'mineur' });
    const ticket = await this.writer.transaction(async (m) => {
      const created = await this.creation.write(prepared, update.actor, {
        within: m,
        source: { entTicketId: update.externalId, entCategory: update.category, status: update.status ?? 'new', pulls: update.pulls ?? false },
      });
      if (!created) throw new Error('ticket insert returned no row');
      if (update.comments.length || update.attachments?.length) {
        await this.writer.change(
          { id: created.id },
          async (c) => {
            await c.attach(update.attachments ?? [], null, update.actor);
            await this.addNewComments(c, update);
          },
          { within: m },
        );
      }
      return created;
    });
    return { ticket, created: true };
  }

  private async addNewComments(c: TicketChange, update: SourceUpdate): Promise<void> {
    if (update.comments.length === 0) return;
    const known = await this.knownComments(c);
    // The source applies its own status rules to its comments and sends the status it reached: no move here.
    for (const comment of update.comments) await this.addComment(c, comment, update.actor, known);
  }

  /** The ticket's messages that came from the source, by their id there (one query, whatever the number of comments). */
  private async knownComments(c: TicketChange): Promise<Map<string, TicketMessageEntity>> {
    const messages = await c.m.find(TicketMessageEntity, { where: { ticketId: c.ticket.id, externalId: Not(IsNull()) }, select: { id: true, externalId: true } });
    return new Map(messages.map((message) => [message.externalId!, message]));
  }

  /** A comment already known (its external id) is not added again; files that came with it join it. */
  private async addComment(
    c: TicketChange,
    comment: SourceComment,
    actor: Actor,
    known?: Map<string, TicketMessageEntity>,
  ): Promise<{ message: TicketMessageEntity; added: boolean }> {
    const seen = known ? known.get(comment.externalId) : await c.m.findOne(TicketMessageEntity, { where: { ticketId: c.ticket.id, externalId: comment.externalId } });
    if (seen) {
      await c.attach(comment.attachments ?? [], seen.id, actor);
      return { message: seen, added: false };
    }
    const message = await c.addMessage(
      {
        body: comment.body,
        visibility: comment.visibility ?? 'public',
        channel: 'ent',
        authorId: comment.authorId,
        authorName: comment.authorName,
        externalId: comment.externalId,
        createdAt: comment.createdAt,
      },
      comment.authorId === c.ticket.requesterEntId,
      actor,
    );
    known?.set(comment.externalId, message);
    await c.attach(comment.attachments ?? [], message.id, actor);
    return { message, added: true };
  }
}
