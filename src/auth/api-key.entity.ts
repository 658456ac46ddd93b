import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ActAsWithin } from './scopes';

@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  /** Public part of the key, used to find it; the secret part is only stored hashed. */
  @Column('text')
  prefix: string;

  @Column('text', { name: 'secret_hash' })
  secretHash: string;

  @Column('text', { array: true })
  scopes: string[];

  /** A personal key acts for this ENT user, and only for them. */
  @Column('text', { name: 'person_ent_id', nullable: true })
  personEntId: string | null;

  /** An act_as key limited to the tickets of a school (structure id), a circonscription or an académie (code). */
  @Column('text', { name: 'act_as_within_kind', nullable: true })
  actAsWithinKind: ActAsWithin['kind'] | null;

  @Column('text', { name: 'act_as_within_id', nullable: true })
  actAsWithinId: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
