import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ChatChannel } from '../actor';

@Entity({ name: 'chat_links' })
export class ChatLinkEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') channel: ChatChannel;
  @Column('text', { name: 'external_id' }) externalId: string;
  @Column('text', { name: 'display_name', nullable: true }) displayName: string | null;
  @Column('text', { name: 'ent_user_id' }) entUserId: string;
  @Column('timestamptz', { name: 'linked_at' }) linkedAt: Date;
}
