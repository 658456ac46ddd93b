import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ChatChannel } from '../actor';

/** A one-time link offered to a chat identity; only digests of its token and OAuth2 state are kept. */
@Entity({ name: 'link_requests' })
export class LinkRequestEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') channel: ChatChannel;
  @Column('text', { name: 'external_id' }) externalId: string;
  @Column('text', { name: 'display_name', nullable: true }) displayName: string | null;
  @Column('text', { name: 'token_digest' }) tokenDigest: string;
  @Column('text', { name: 'state_digest', nullable: true }) stateDigest: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
  @Column('timestamptz', { name: 'used_at', nullable: true }) usedAt: Date | null;
}
