import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EntFunction, EntProfile } from '../ent-port';

@Entity({ name: 'sandbox_ent_structures' })
export class SandboxStructureEntity {
  @PrimaryColumn('text') id: string;
  @Column('text') name: string;
}

@Entity({ name: 'sandbox_ent_classes' })
export class SandboxClassEntity {
  @PrimaryColumn('text') id: string;
  @Column('text', { name: 'structure_id' }) structureId: string;
  @Column('text') name: string;
}

@Entity({ name: 'sandbox_ent_users' })
export class SandboxUserEntity {
  @PrimaryColumn('text') id: string;
  @Column('text') login: string;
  @Column('text', { name: 'first_name' }) firstName: string;
  @Column('text', { name: 'last_name' }) lastName: string;
  @Column('text', { name: 'display_name' }) displayName: string;
  @Column('text') profile: EntProfile;
  @Column('text') source: string;
  @Column('text', { name: 'structure_ids', array: true }) structureIds: string[];
  @Column('text', { name: 'class_ids', array: true }) classIds: string[];
  @Column('text', { name: 'child_ids', array: true }) childIds: string[];
  @Column('jsonb') functions: EntFunction[];
  @Column('text', { nullable: true }) email: string | null;
  @Column('text', { nullable: true }) mobile: string | null;
  @Column('text', { name: 'password_hash', nullable: true }) passwordHash: string | null;
  /** Set while the account was never activated: its activation code, as a keyed digest. */
  @Column('text', { name: 'activation_code_digest', nullable: true }) activationCodeDigest: string | null;
  @Column('boolean') blocked: boolean;
}

export type SandboxCodeKind = 'renewal' | 'reset';

@Entity({ name: 'sandbox_ent_codes' })
export class SandboxCodeEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'user_id' }) userId: string;
  @Column('text') kind: SandboxCodeKind;
  @Column('text', { name: 'code_digest' }) codeDigest: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
  @Column('timestamptz', { name: 'used_at', nullable: true }) usedAt: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
  @Column('int', { name: 'failed_attempts' }) failedAttempts: number;
}

export type SandboxTokenKind = 'authorization_code' | 'access' | 'refresh' | 'reset_ticket' | 'activation_ticket';

@Entity({ name: 'sandbox_ent_tokens' })
export class SandboxTokenEntity {
  @PrimaryColumn('text', { name: 'token_digest' }) tokenDigest: string;
  @Column('text') kind: SandboxTokenKind;
  @Column('text', { name: 'user_id' }) userId: string;
  @Column('text', { name: 'redirect_uri', nullable: true }) redirectUri: string | null;
  @Column('uuid', { name: 'code_id', nullable: true }) codeId: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
  @Column('timestamptz', { name: 'used_at', nullable: true }) usedAt: Date | null;
}

@Entity({ name: 'sandbox_ent_block_traces' })
export class SandboxBlockTraceEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'structure_id' }) structureId: string;
  @Column('text') profile: EntProfile;
  @Column('text') action: 'BLOCK' | 'UNBLOCK';
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

@Entity({ name: 'sandbox_ent_mailbox' })
export class SandboxMailEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'user_id' }) userId: string;
  @Column('text') channel: 'mail' | 'mobile';
  @Column('text') address: string;
  @Column('text', { name: 'body_box' }) bodyBox: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

export const SANDBOX_ENTITIES = [
  SandboxStructureEntity,
  SandboxClassEntity,
  SandboxUserEntity,
  SandboxCodeEntity,
  SandboxTokenEntity,
  SandboxBlockTraceEntity,
  SandboxMailEntity,
];
