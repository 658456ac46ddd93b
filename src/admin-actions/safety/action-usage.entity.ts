import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One counted use, for the sliding-window rate limits per actor and per target account. */
@Entity({ name: 'account_action_usage' })
export class ActionUsageEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'actor_key' }) actorKey: string;
  @Column('text', { name: 'target_key', nullable: true }) targetKey: string | null;
  @Column('text') kind: string;
  @Column('timestamptz') at: Date;
}
