import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { eventOf, TicketEventEntity } from './ticket-event.entity';
import { TicketEvent } from './ticket-events';

/** A reader's position in the history: the transaction and sequence of the last event it read. */
export interface FeedPosition {
  tx: string;
  seq: number;
}


/**
 * Reads the ticket events committed since a position, in commit order, for
 * the modules that follow tickets (the notification relay). Sequence numbers
 * are handed out when a row is written, not when its transaction commits, so
 * a reader that went by `seq` alone could pass over an event whose
 * transaction was still running. Each event carries its transaction id
 * (`tx`); the feed only returns events of transactions older than every
 * transaction still in progress (the snapshot's xmin), ordered by (tx, seq):
 * nothing can commit behind the reader's position afterwards.
 * A transaction left open anywhere on the database server holds the feed back
 * until it ends. Readers are told in-process when new events were committed
 * (`subscribe`); events of other replicas reach them at their next read.
 */
@Injectable()
export class TicketEventFeed {
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` after every commit that recorded events in this process; returns the way to stop listening. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called by the writer once a change that recorded events is committed. */
  committed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Plain SQL: the relay reads every event once, and TypeORM's mapping of hundreds of rows cost more than the query. */
  async read(m: EntityManager, after: FeedPosition, limit: number): Promise<{ events: TicketEvent[]; position: FeedPosition }> {
    const rows: (TicketEventEntity & { tx: string })[] = await m.query(
      `SELECT seq, ticket_id AS "ticketId", type, actor_kind AS "actorKind", actor_id AS "actorId", actor_name AS "actorName",
              before, after, at, CAST(tx AS text) AS tx
         FROM ticket_events
        WHERE (tx, seq) > (CAST($1 AS xid8), CAST($2 AS int)) AND tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY tx, seq
        LIMIT $3`,
      [after.tx, after.seq, limit],
    );
    const last = rows.at(-1);
    return { events: rows.map(eventOf), position: last ? { tx: last.tx, seq: last.seq } : after };
  }
}
