import { EntityMetadata } from 'typeorm';
import { EventData } from './ticket-event.entity';
import { TicketEntity } from './ticket.entity';

export interface TicketInsertRequest {
  ticket: TicketEntity;
  referencePrefix: string;
  createdEvent: { actorKind: string; actorId: string; actorName: string | null; after: EventData };
  idempotency?: { apiKeyId: string; key: string; requestHash: string };
}

/**
 * Creating a ticket is one statement, so one round trip: the ticket, its
 * "created" event and the idempotency key commit together or not at all. With
 * a key already taken (a concurrent retry), nothing is inserted and no row comes back.
 * Foreign keys between the CTEs are checked at the end of the statement.
 */
export class TicketInsertStatement {
  private readonly columns: { name: string; property: keyof TicketEntity; type: string }[];
  private readonly sql: string;

  constructor(tickets: EntityMetadata) {
    this.columns = tickets.columns
      .filter((c) => c.propertyName !== 'reference')
      .map((c) => ({ name: c.databaseName, property: c.propertyName as keyof TicketEntity, type: String(c.type) }));
    const n = this.columns.length;
    const p = (i: number) => `$${n + i}`; // parameters after the ticket's columns
    this.sql = `
      WITH idempotency AS (
        INSERT INTO idempotency_keys (api_key_id, key, request_hash, ticket_id, created_at)
        SELECT ${p(1)}::uuid, ${p(2)}::text, ${p(3)}::text, $1::uuid, ${p(4)}::timestamptz
         WHERE ${p(1)}::uuid IS NOT NULL
        ON CONFLICT DO NOTHING
        RETURNING 1
      ), ticket AS (
        INSERT INTO tickets (reference, ${this.columns.map((c) => `"${c.name}"`).join(', ')})
        SELECT ${p(5)}::text || lpad(nextval('ticket_reference_seq')::text, 6, '0'),
               ${this.columns.map((c, i) => `$${i + 1}::${c.type}`).join(', ')}
         WHERE ${p(1)}::uuid IS NULL OR EXISTS (SELECT 1 FROM idempotency)
        RETURNING id, reference
      ), created_event AS (
        INSERT INTO ticket_events (ticket_id, type, actor_kind, actor_id, actor_name, before, after, at)
        SELECT id, 'created', ${p(6)}::text, ${p(7)}::text, ${p(8)}::text, NULL, ${p(9)}::jsonb, ${p(4)}::timestamptz
          FROM ticket
      )
      SELECT reference FROM ticket`;
  }

  build(request: TicketInsertRequest): [string, unknown[]] {
    const { ticket, createdEvent, idempotency } = request;
    return [
      this.sql,
      [
        ...this.columns.map((c) => ticket[c.property]),
        idempotency?.apiKeyId ?? null,
        idempotency?.key ?? null,
        idempotency?.requestHash ?? null,
        ticket.createdAt,
        request.referencePrefix,
        createdEvent.actorKind,
        createdEvent.actorId,
        createdEvent.actorName,
        JSON.stringify(createdEvent.after),
      ],
    ];
  }
}
