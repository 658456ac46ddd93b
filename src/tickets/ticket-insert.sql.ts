import { EntityManager, EntityMetadata } from 'typeorm';
import { PreparedStatement } from '../database/prepared-statement';
import { TicketEventShapes } from './ticket-events';
import { TicketEntity } from './ticket.entity';

export interface TicketInsertRequest {
  ticket: TicketEntity;
  referencePrefix: string;
  createdEvent: { actorKind: string; actorId: string; actorName: string | null; after: TicketEventShapes['created']['after'] };
  /** The public answer of a redirected request. */
  redirectMessage?: { id: string; authorId: string; authorName: string; body: string };
  idempotency?: { apiKeyId: string; key: string; requestHash: string };
}

/**
 * Creating tickets is one statement, so one round trip, whether for one ticket
 * or for the several that arrived together: each ticket, its "created" event
 * (which notification channels hear of once committed), the answer of a
 * redirected request and its idempotency key commit together or not at all. A ticket whose key is
 * already taken (a concurrent retry) is not inserted and gets no reference.
 * Foreign keys between the CTEs are checked at the end of the statement.
 * Prepared once per connection: planning it cost as much as running it.
 */
export class TicketInsertStatement {
  private readonly columns: { name: string; property: keyof TicketEntity }[];
  private readonly statement: PreparedStatement<{ id: string; reference: string }>;

  constructor(tickets: EntityMetadata) {
    const columns = tickets.columns.filter((c) => c.propertyName !== 'reference');
    this.columns = columns.map((c) => ({ name: c.databaseName, property: c.propertyName as keyof TicketEntity }));
    const ticketColumns = columns.map((c) => `"${c.databaseName}"`).join(', ');
    const ticketTypes = columns.map((c) => `"${c.databaseName}" ${String(c.type)}`).join(', ');
    this.statement = new PreparedStatement(
      'relais_ticket_insert_many',
      `
      WITH input AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${ticketTypes},
          reference_prefix text, idempotency_api_key_id uuid, idempotency_key text, idempotency_request_hash text,
          actor_kind text, actor_id text, actor_name text, created_after jsonb, redirect jsonb)
      ), idempotency AS (
        INSERT INTO idempotency_keys (api_key_id, key, request_hash, ticket_id, created_at)
        SELECT idempotency_api_key_id, idempotency_key, idempotency_request_hash, id, created_at
          FROM input WHERE idempotency_api_key_id IS NOT NULL
        ON CONFLICT DO NOTHING
        RETURNING ticket_id
      ), ticket AS (
        INSERT INTO tickets (reference, ${ticketColumns})
        SELECT reference_prefix || lpad(nextval('ticket_reference_seq')::text, 6, '0'), ${ticketColumns}
          FROM input
         WHERE idempotency_api_key_id IS NULL OR id IN (SELECT ticket_id FROM idempotency)
        RETURNING id, reference, source_channel
      ), created_event AS (
        INSERT INTO ticket_events (ticket_id, type, actor_kind, actor_id, actor_name, before, after, at)
        SELECT ticket.id, 'created', input.actor_kind, input.actor_id, input.actor_name, NULL::jsonb, input.created_after, input.created_at
          FROM ticket JOIN input USING (id)
      ), redirect_message AS (
        INSERT INTO ticket_messages (id, ticket_id, author_id, author_name, visibility, channel, body, created_at)
        SELECT r.id, ticket.id, r.author_id, r.author_name, 'public', ticket.source_channel, r.body, input.created_at
          FROM ticket JOIN input USING (id),
               jsonb_to_recordset(input.redirect) AS r(id uuid, author_id text, author_name text, body text)
      )
      SELECT id, reference FROM ticket`,
    );
  }

  /** Each new ticket's reference, in order; null for one whose idempotency key was already taken. */
  async run(m: EntityManager, requests: readonly TicketInsertRequest[]): Promise<(string | null)[]> {
    const rows = await this.statement.run(m, [JSON.stringify(requests.map((r) => this.row(r)))]);
    const references = new Map(rows.map((r) => [r.id, r.reference]));
    return requests.map((r) => references.get(r.ticket.id) ?? null);
  }

  private row(request: TicketInsertRequest): Record<string, unknown> {
    const { ticket, createdEvent, idempotency, redirectMessage } = request;
    const row: Record<string, unknown> = {};
    for (const c of this.columns) row[c.name] = ticket[c.property];
    return Object.assign(row, {
      reference_prefix: request.referencePrefix,
      idempotency_api_key_id: idempotency?.apiKeyId ?? null,
      idempotency_key: idempotency?.key ?? null,
      idempotency_request_hash: idempotency?.requestHash ?? null,
      actor_kind: createdEvent.actorKind,
      actor_id: createdEvent.actorId,
      actor_name: createdEvent.actorName,
      created_after: createdEvent.after,
      redirect: redirectMessage
        ? [{ id: redirectMessage.id, author_id: redirectMessage.authorId, author_name: redirectMessage.authorName, body: redirectMessage.body }]
        : [],
    });
  }
}
