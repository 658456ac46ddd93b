import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AnonymisationPlaceholder, AnonymisedCounts, TicketWriter } from './ticket-writer';

/**
 * What the privacy tasks (retention, erasure) may do to tickets, through the
 * one writer: anonymise whole tickets, and replace a person's mentions in
 * other people's tickets. Both join the caller's transaction.
 */
@Injectable()
export class TicketPrivacy {
  constructor(private readonly writer: TicketWriter) {}

  anonymiseTickets(m: EntityManager, ticketIds: string[], placeholder: AnonymisationPlaceholder, now: Date): Promise<AnonymisedCounts> {
    return this.writer.anonymiseTickets(m, ticketIds, placeholder, now);
  }

  replaceMentions(m: EntityManager, needles: string[], placeholder: string): Promise<AnonymisedCounts> {
    return this.writer.replaceMentions(m, needles, placeholder);
  }
}
