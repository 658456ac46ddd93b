import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Profile } from './profiles';

@Entity({ name: 'academies' })
export class AcademyEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') code: string;
  @Column('text') name: string;
}

@Entity({ name: 'circonscriptions' })
export class CirconscriptionEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'academy_id' }) academyId: string;
  @Column('text') code: string;
  @Column('text') name: string;
  @Column('text', { name: 'slack_channel_id', nullable: true }) slackChannelId: string | null;
  @Column('text', { name: 'discord_channel_id', nullable: true }) discordChannelId: string | null;
}

export const SCHOOL_LEVELS = ['primary', 'secondary'] as const;
export type SchoolLevel = (typeof SCHOOL_LEVELS)[number];

@Entity({ name: 'schools' })
export class SchoolEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'circonscription_id' }) circonscriptionId: string;
  /** The ENT structure id. */
  @Column('text', { name: 'structure_id' }) structureId: string;
  @Column('text') uai: string;
  @Column('text') name: string;
  @Column('text') level: SchoolLevel;
  @Column('text', { nullable: true }) city: string | null;
}

@Entity({ name: 'people' })
export class PersonEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'ent_user_id', nullable: true }) entUserId: string | null;
  @Column('text', { nullable: true }) login: string | null;
  @Column('text', { name: 'display_name' }) displayName: string;
  @Column('text', { nullable: true }) profile: Profile | null;
  @Column('text', { name: 'slack_user_id', nullable: true }) slackUserId: string | null;
  @Column('text', { name: 'discord_user_id', nullable: true }) discordUserId: string | null;
}

export const ROLES = ['school_admin', 'director', 'erun', 'academic_support', 'editor_support'] as const;
export type Role = (typeof ROLES)[number];

/** A role and the scope it applies to: a school, a circonscription or an académie. */
@Entity({ name: 'person_roles' })
export class PersonRoleEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'person_id' }) personId: string;
  @Column('text') role: Role;
  @Column('uuid', { name: 'school_id', nullable: true }) schoolId: string | null;
  @Column('uuid', { name: 'circonscription_id', nullable: true }) circonscriptionId: string | null;
  @Column('uuid', { name: 'academy_id', nullable: true }) academyId: string | null;
}

export const DIRECTORY_ENTITIES = [AcademyEntity, CirconscriptionEntity, SchoolEntity, PersonEntity, PersonRoleEntity];
