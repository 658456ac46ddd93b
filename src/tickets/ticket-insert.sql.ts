import { EntityManager, EntityMetadata } from 'typeorm';
import { PreparedStatement } from '../database/prepared-statement';
import { OutboxEntity } from '../notifications/outbox.entity';
import { SYSTEM_ACTOR } from './ticket-history';
import { EventData } from './ticket-event.entity';
import { TicketEntity } from './ticket.entity';

export interface TicketInsertRequest {
  ticket: TicketEntity;
  referencePrefix: string;
  createdEvent: { actorKind: string; actorId: string; actorName: string | null; after: EventData };
  /** Notifications about the new ticket; `{{reference}}` in their text becomes the ticket's reference. */
  outbox: OutboxEntity[];
  /** History entries of the notifications delivered by being written (`{{reference}}` filled in too). */
  deliveredEvents: EventData[];
  /** The public answer of a redirected request. */
  redirectMessage?: { id: string; authorId: string; authorName: string; body: string };
  idempotency?: { apiKeyId: string; key: string; requestHash: string };
}

/**
 * Creating a ticket is one statement, so one round trip: the ticket, its
 * "created" event, its notifications (and the history entries of those
 * delivered on the spot) and the idempotency key commit together or not at all. With
 * a key already taken (a concurrent retry), nothing is inserted and no row comes back.
 * Foreign keys between the CTEs are checked at the end of the statement.
 * Prepared once per connection: planning it cost as much as running it.
 */
export class TicketInsertStatement {
  private readonly columns: { name: string; property: keyof TicketEntity; type: string }[];
  private readonly statement: PreparedStatement<{ reference: string }>;

  constructor(tickets: EntityMetadata) {
    this.columns = tickets.columns
      .filter((c) => c.propertyName !== 'reference')
      .map((c) => ({ name: c.databaseName, property: c.propertyName as keyof TicketEntity, type: String(c.type) }));
    const n = this.columns.length;
    const p = (i: number) => `$${n + i}`; // parameters after the ticket's columns
    this.statement = new PreparedStatement(
      'relais_ticket_insert',
      `
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
        RETURNING id, reference, source_channel
      ), created_event AS (
        INSERT INTO ticket_events (ticket_id, type, actor_kind, actor_id, actor_name, before, after, at)
        SELECT id, 'created', ${p(6)}::text, ${p(7)}::text, ${p(8)}::text, NULL::jsonb, ${p(9)}::jsonb, ${p(4)}::timestamptz
          FROM ticket
        UNION ALL
        SELECT ticket.id, 'notification_delivered', '${SYSTEM_ACTOR.kind}', '${SYSTEM_ACTOR.id}', '${SYSTEM_ACTOR.name}', NULL,
               replace(e.after::text, '{{reference}}', ticket.reference)::jsonb, ${p(4)}::timestamptz
          FROM ticket, jsonb_array_elements(${p(12)}::jsonb) AS e(after)
      ), notifications AS (
        INSERT INTO outbox (id, ticket_id, kind, target, payload, state, attempts, transport, next_attempt_at, created_at, delivered_at)
        SELECT o.id, ticket.id, o.kind, o.target, replace(o.payload::text, '{{reference}}', ticket.reference)::jsonb,
               o.state, o.attempts, o.transport, ${p(4)}::timestamptz, ${p(4)}::timestamptz,
               CASE WHEN o.state = 'delivered' THEN ${p(4)}::timestamptz END
          FROM ticket, jsonb_to_recordset(${p(10)}::jsonb) AS o(id uuid, kind text, target text, payload jsonb, state text, attempts int, transport text)
      ), redirect_message AS (
        INSERT INTO ticket_messages (id, ticket_id, author_id, author_name, visibility, channel, body, created_at)
        SELECT r.id, ticket.id, r.author_id, r.author_name, 'public', ticket.source_channel, r.body, ${p(4)}::timestamptz
          FROM ticket, jsonb_to_recordset(${p(11)}::jsonb) AS r(id uuid, author_id text, author_name text, body text)
      )
      SELECT reference FROM ticket`,
    );
  }

  /** The new ticket's reference; none when the idempotency key was already taken. */
  async run(m: EntityManager, request: TicketInsertRequest): Promise<string | null> {
    const rows = await this.statement.run(m, this.values(request));
    return rows[0]?.reference ?? null;
  }

  private values(request: TicketInsertRequest): unknown[] {
    const { ticket, createdEvent, idempotency } = request;
    return [
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
      JSON.stringify(request.outbox.map((o) => ({ id: o.id, kind: o.kind, target: o.target, payload: o.payload, state: o.state, attempts: o.attempts, transport: o.transport }))),
      JSON.stringify(
        request.redirectMessage
          ? [{ id: request.redirectMessage.id, author_id: request.redirectMessage.authorId, author_name: request.redirectMessage.authorName, body: request.redirectMessage.body }]
          : [],
      ),
      JSON.stringify(request.deliveredEvents),
    ];
  }
}
