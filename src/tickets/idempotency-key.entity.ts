import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A create request's Idempotency-Key, scoped to the API key that sent it. */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn('uuid', { name: 'api_key_id' })
  apiKeyId: string;

  @PrimaryColumn('text')
  key: string;

  /** SHA-256 of the request body: the same key with another body is refused. */
  @Column('text', { name: 'request_hash' })
  requestHash: string;

  @Column('uuid', { name: 'ticket_id' })
  ticketId: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
