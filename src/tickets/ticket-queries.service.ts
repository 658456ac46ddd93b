import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { canSee, isStaffFor, onlyVisible, Viewer } from './ticket-access';
import { AttachmentInfo, TicketAttachmentEntity } from './ticket-attachment.entity';
import { eventOf, TicketEventEntity } from './ticket-event.entity';
import { TicketEvent } from './ticket-events';
import { TicketMessageEntity } from './ticket-message.entity';
import { TICKET_STATUS, TicketStatus } from './ticket-status';
import { ticketNotFound } from './ticket-writer';
import { TicketEntity } from './ticket.entity';

export interface TicketFilters {
  status?: string[];
  school?: string;
  tier?: string;
  assignee?: string;
  text?: string;
  page: number;
  pageSize: number;
}

/** Reading tickets, always through the visibility rule. */
@Injectable()
export class TicketQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(filters: TicketFilters, viewer: Viewer) {
    const qb = this.db.getRepository(TicketEntity).createQueryBuilder('t');
    onlyVisible(qb, 't', viewer);
    if (filters.status) qb.andWhere('t.status IN (:...statuses)', { statuses: filters.status.map((s) => TICKET_STATUS[s as TicketStatus]) });
    if (filters.school) qb.andWhere('(t.schoolStructureId = :school OR t.schoolUai = :school)', { school: filters.school });
    if (filters.tier) qb.andWhere('t.tier = :tier', { tier: filters.tier });
    if (filters.assignee) qb.andWhere('t.assigneeId = :assignee', { assignee: filters.assignee });
    if (filters.text) {
      filters.text
        .split(/\s+/)
        .filter(Boolean)
        .slice(0, 8)
        .forEach((word, i) => {
          qb.andWhere(`relais_unaccent(lower(t.subject || ' ' || t.description)) LIKE relais_unaccent(lower(:w${i}))`, {
            [`w${i}`]: `%${word.replace(/[\\%_]/g, (c) => '\\' + c)}%`,
          });
        });
    }
    qb.orderBy('t.createdAt', 'DESC').addOrderBy('t.id', 'DESC');
    qb.skip((filters.page - 1) * filters.pageSize).take(filters.pageSize);
    const [items, total] = await qb.getManyAndCount();
    return { items, total, page: filters.page, pageSize: filters.pageSize };
  }

  /** A ticket the viewer may see; an invisible ticket is reported as not found. */
  async get(reference: string, viewer: Viewer): Promise<TicketEntity> {
    const ticket = await this.db.getRepository(TicketEntity).findOneBy({ reference });
    if (!ticket || !canSee(ticket, viewer)) throw ticketNotFound(reference);
    return ticket;
  }

  /** The messages the viewer may read: internal notes are for staff. */
  async messages(ticket: TicketEntity, viewer: Viewer): Promise<TicketMessageEntity[]> {
    const all = await this.db.getRepository(TicketMessageEntity).find({ where: { ticketId: ticket.id }, order: { createdAt: 'ASC' } });
    return isStaffFor(ticket, viewer) ? all : all.filter((message) => message.visibility === 'public');
  }

  async history(reference: string, viewer: Viewer): Promise<TicketEventEntity[]> {
    const ticket = await this.get(reference, viewer);
    return this.db.getRepository(TicketEventEntity).find({ where: { ticketId: ticket.id }, order: { seq: 'ASC' } });
  }

  /** For systems acting for Relais (notification channels): no viewer; in `m`'s transaction when given. */
  byIds(ids: string[], m: EntityManager = this.db.manager): Promise<TicketEntity[]> {
    return ids.length ? m.findBy(TicketEntity, { id: In(ids) }) : Promise.resolve([]);
  }

  async events(seqs: number[]): Promise<TicketEvent[]> {
    return seqs.length ? (await this.db.getRepository(TicketEventEntity).findBy({ seq: In(seqs) })).map(eventOf) : [];
  }

  /** In `m`'s transaction when given. */
  message(id: string, m: EntityManager = this.db.manager): Promise<TicketMessageEntity | null> {
    return m.findOneBy(TicketMessageEntity, { id });
  }

  /** The files attached to a ticket and its messages, oldest first (without their bytes). */
  attachments(ticketId: string): Promise<AttachmentInfo[]> {
    return this.db.getRepository(TicketAttachmentEntity).find({ where: { ticketId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** One file, staged or attached (without its bytes). */
  attachment(id: string): Promise<AttachmentInfo | null> {
    return this.db.getRepository(TicketAttachmentEntity).findOneBy({ id });
  }

  /** The bytes of a file. */
  async attachmentContent(id: string): Promise<Buffer | null> {
    const [row]: { content: Uint8Array }[] = await this.db.query('SELECT content FROM ticket_attachments WHERE id = $1', [id]);
    // pg returns a Buffer, PGlite a Uint8Array.
    return row ? Buffer.from(row.content.buffer, row.content.byteOffset, row.content.byteLength) : null;
  }

  publicMessages(ticketId: string): Promise<TicketMessageEntity[]> {
    return this.db.getRepository(TicketMessageEntity).find({ where: { ticketId, visibility: 'public' }, order: { createdAt: 'ASC' } });
  }
}
