import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AuditOutcome = 'done' | 'refused' | 'failed' | 'requested';

/** One row of the append-only, hash-chained log of account actions. Never a code or a token. */
@Entity({ name: 'account_audit_log' })
export class AuditEntryEntity {
  @PrimaryColumn('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) seq: number;
  @Column('timestamptz') at: Date;
  @Column('text', { name: 'actor_key' }) actorKey: string;
  @Column('text', { name: 'actor_ent_user_id', nullable: true }) actorEntUserId: string | null;
  @Column('text', { name: 'actor_name', nullable: true }) actorName: string | null;
  @Column('text') channel: string;
  @Column('text') action: string;
  @Column('text', { name: 'target_ent_user_id', nullable: true }) targetEntUserId: string | null;
  @Column('text', { name: 'target_login', nullable: true }) targetLogin: string | null;
  @Column('text', { name: 'target_name', nullable: true }) targetName: string | null;
  @Column('text') outcome: AuditOutcome;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('jsonb') details: Record<string, string | number | boolean | null>;
  @Column('text', { name: 'prev_hash' }) prevHash: string;
  @Column('text') hash: string;
}

@Entity({ name: 'account_audit_head' })
export class AuditHeadEntity {
  @PrimaryColumn('smallint') id: number;
  @Column('bigint', { transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) seq: number;
  @Column('text') hash: string;
}
