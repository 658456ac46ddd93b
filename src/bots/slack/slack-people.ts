import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChatIdentity } from '../../admin-actions/actor';
import { LinkingService } from '../../admin-actions/linking/linking.service';
import { Person } from '../../tickets/ticket-access';
import { TicketViewers } from '../../tickets/ticket-viewers.service';

/** Who a Slack user is in Relais: the ENT person their identity (`T…:U…`) is linked to, as in the guarded actions. */
@Injectable()
export class SlackPeople {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly linking: LinkingService,
    private readonly viewers: TicketViewers,
  ) {}

  identity(teamId: string, userId: string, displayName?: string | null): ChatIdentity {
    return { channel: 'slack', externalId: `${teamId}:${userId}`, displayName: displayName ?? null };
  }

  /**
   * The person, with their rights from the directory: the ENT account the Slack
   * identity is linked to, else the directory person whose `slackUserId` it is
   * (staff the académie lists with their Slack id); null for anyone else.
   */
  async person(teamId: string, userId: string): Promise<Person | null> {
    const linked = await this.linking.linkedPerson(this.identity(teamId, userId));
    if (linked) return this.viewers.person(linked.entUserId);
    const [listed]: { ent_user_id: string }[] = await this.db.query('SELECT ent_user_id FROM people WHERE slack_user_id = $1 AND ent_user_id IS NOT NULL', [userId]);
    return listed ? this.viewers.person(listed.ent_user_id) : null;
  }

  /** The Slack user ids linked to an ENT person (to mention an assignee). */
  async slackUsersOf(entUserId: string): Promise<string[]> {
    const rows: { external_id: string }[] = await this.db.query(`SELECT external_id FROM chat_links WHERE channel = 'slack' AND ent_user_id = $1`, [entUserId]);
    const listed: { slack_user_id: string }[] = await this.db.query('SELECT slack_user_id FROM people WHERE ent_user_id = $1 AND slack_user_id IS NOT NULL', [entUserId]);
    return [...new Set([...rows.map((r) => r.external_id.split(':').pop()!), ...listed.map((r) => r.slack_user_id)])].filter(Boolean);
  }
}
