import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ApprovalStatus = 'pending' | 'approved' | 'refused' | 'expired';

/** A renewal code asked for someone who cannot prove who they are in the chat, waiting for a teacher or the ENT admin. */
@Entity({ name: 'account_approvals' })
export class ApprovalEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') status: ApprovalStatus;
  @Column('text', { name: 'requester_key' }) requesterKey: string;
  @Column('text', { name: 'requester_channel' }) requesterChannel: string;
  @Column('text', { name: 'requester_name', nullable: true }) requesterName: string | null;
  @Column('text', { name: 'requester_ent_user_id', nullable: true }) requesterEntUserId: string | null;
  @Column('text', { name: 'target_login' }) targetLogin: string;
  @Column('text', { name: 'target_ent_user_id', nullable: true }) targetEntUserId: string | null;
  @Column('text', { name: 'target_name', nullable: true }) targetName: string | null;
  @Column('text', { name: 'structure_id' }) structureId: string;
  @Column('text', { name: 'class_ids', array: true }) classIds: string[];
  @Column('text', { name: 'candidate_ent_user_ids', array: true }) candidateEntUserIds: string[];
  @Column('text', { name: 'decided_by', nullable: true }) decidedBy: string | null;
  @Column('text', { name: 'decided_by_name', nullable: true }) decidedByName: string | null;
  @Column('timestamptz', { name: 'decided_at', nullable: true }) decidedAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
}
