import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a preview showed, so the confirmation does exactly that: ids, a block reason, the channels offered. Never a secret. */
export interface ConfirmationPayload {
  targetId?: string;
  targetLogin?: string;
  reason?: string;
  approvalId?: string;
  services?: ('mail' | 'mobile')[];
  masked?: { mail?: string; mobile?: string };
  structureId?: string;
  classIds?: string[];
  targetName?: string | null;
  targetEntUserId?: string | null;
}

@Entity({ name: 'account_action_confirmations' })
export class ConfirmationEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'token_digest' }) tokenDigest: string;
  @Column('text', { name: 'actor_key' }) actorKey: string;
  @Column('text') action: string;
  @Column('jsonb') payload: ConfirmationPayload;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
  @Column('timestamptz', { name: 'used_at', nullable: true }) usedAt: Date | null;
}
