import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EntFunction, EntProfile } from '../../ent/ent-port';

/** A person who linked a chat identity: what the ENT said about them, and their grant (encrypted). */
@Entity({ name: 'ent_accounts' })
export class EntAccountEntity {
  @PrimaryColumn('text', { name: 'ent_user_id' }) entUserId: string;
  @Column('text') login: string;
  @Column('text', { name: 'display_name' }) displayName: string;
  @Column('text') profile: EntProfile;
  @Column('text', { name: 'structure_ids', array: true }) structureIds: string[];
  @Column('text', { name: 'class_ids', array: true }) classIds: string[];
  @Column('text', { name: 'child_ids', array: true }) childIds: string[];
  @Column('jsonb') functions: EntFunction[];
  @Column('text', { name: 'grant_box' }) grantBox: string;
  @Column('timestamptz', { name: 'grant_expires_at' }) grantExpiresAt: Date;
  @Column('timestamptz', { name: 'linked_at' }) linkedAt: Date;
  @Column('timestamptz', { name: 'refreshed_at' }) refreshedAt: Date;
}
