import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { ADMIN_LOCAL, EntIdentity, hasFunction, SUPER_ADMIN } from '../../ent/ent-port';
import { ChatChannel, ChatIdentity } from '../actor';
import { APPROVAL_VALIDITY_MS } from '../admin-actions.constants';
import { ApprovalEntity, ApprovalStatus } from './approval.entity';
import { NoticeRecipient } from './approval-notifier';

export interface NewApproval {
  requesterKey: string;
  requesterChannel: string;
  requesterName: string | null;
  requesterEntUserId: string | null;
  targetLogin: string;
  targetEntUserId: string | null;
  targetName: string | null;
  structureId: string;
  classIds: string[];
}

/**
 * The only writer of approvals: created pending, decided once (a conditional
 * update, so two approvers cannot both decide), withdrawn after a day.
 */
@Injectable()
export class ApprovalsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  findPending(targetLogin: string, structureId: string): Promise<ApprovalEntity | null> {
    return this.repo()
      .createQueryBuilder('a')
      .where(`a.status = 'pending' AND a.target_login = :targetLogin AND a.structure_id = :structureId AND a.expires_at > :now`, { targetLogin, structureId, now: this.clock.now() })
      .getOne();
  }

  async create(input: NewApproval, candidates: NoticeRecipient[]): Promise<ApprovalEntity> {
    const now = this.clock.now();
    const approval: ApprovalEntity = {
      id: randomUUID(),
      status: 'pending',
      ...input,
      candidateEntUserIds: candidates.map((c) => c.entUserId),
      decidedBy: null,
      decidedByName: null,
      decidedAt: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + APPROVAL_VALIDITY_MS),
    };
    await this.repo().insert(approval);
    return approval;
  }

  get(id: string): Promise<ApprovalEntity | null> {
    return this.repo().findOneBy({ id });
  }

  /**
   * Who may decide: linked local admins of the school and linked teachers of
   * the pupil's classes, and the school's admins and directors in Relais's
   * directory (who can link their account when told).
   */
  async candidates(structureId: string, classIds: string[]): Promise<NoticeRecipient[]> {
    const rows: { ent_user_id: string; display_name: string | null; channel: ChatChannel | null; external_id: string | null; link_name: string | null }[] = await this.db.query(
      `WITH who AS (
         SELECT a.ent_user_id, a.display_name FROM ent_accounts a
          WHERE a.functions @> $1::jsonb
             OR (a.profile IN ('Teacher', 'Personnel') AND a.class_ids && $2::text[] AND $3 = ANY(a.structure_ids))
         UNION
         SELECT p.ent_user_id, p.display_name FROM people p
           JOIN person_roles r ON r.person_id = p.id AND r.role IN ('school_admin', 'director')
           JOIN schools s ON s.id = r.school_id AND s.structure_id = $3
          WHERE p.ent_user_id IS NOT NULL)
       SELECT DISTINCT ON (w.ent_user_id, l.channel, l.external_id) w.ent_user_id, w.display_name, l.channel, l.external_id, l.display_name AS link_name
         FROM who w LEFT JOIN chat_links l ON l.ent_user_id = w.ent_user_id
        ORDER BY w.ent_user_id, l.channel, l.external_id`,
      [JSON.stringify([{ code: ADMIN_LOCAL, scope: [structureId] }]), classIds, structureId],
    );
    const byPerson = new Map<string, NoticeRecipient>();
    for (const row of rows) {
      const recipient = byPerson.get(row.ent_user_id) ?? { entUserId: row.ent_user_id, displayName: row.display_name, chatIdentities: [] as ChatIdentity[] };
      if (row.channel && row.external_id) recipient.chatIdentities.push({ channel: row.channel, externalId: row.external_id, displayName: row.link_name });
      byPerson.set(row.ent_user_id, recipient);
    }
    return [...byPerson.values()];
  }

  /** Pending approvals this person may decide: their schools as local admin, their classes as teacher, all as super admin. */
  pendingFor(person: EntIdentity): Promise<ApprovalEntity[]> {
    const superAdmin = hasFunction(person.functions, SUPER_ADMIN);
    const administered = person.functions.filter((f) => f.code === ADMIN_LOCAL).flatMap((f) => f.scope);
    const teaches = person.profile === 'Teacher' || person.profile === 'Personnel' ? person.classes : [];
    return this.repo()
      .createQueryBuilder('a')
      .where(`a.status = 'pending' AND a.expires_at > :now`, { now: this.clock.now() })
      .andWhere(
        `(:superAdmin OR a.structure_id = ANY(:administered) OR (a.class_ids && :teaches AND a.structure_id = ANY(:structures)) OR :person = ANY(a.candidate_ent_user_ids))`,
        { superAdmin, administered, teaches, structures: person.structures, person: person.id },
      )
      .orderBy('a.created_at', 'ASC')
      .getMany();
  }

  /** Decides once: null when the approval is no longer pending (someone else decided, or it expired). */
  async decide(id: string, to: Exclude<ApprovalStatus, 'pending'>, by: { entUserId: string; name: string | null } | null): Promise<ApprovalEntity | null> {
    const now = this.clock.now();
    const result = await this.repo()
      .createQueryBuilder()
      .update()
      .set({ status: to, decidedBy: by?.entUserId ?? null, decidedByName: by?.name ?? null, decidedAt: now })
      .where(`id = :id AND status = 'pending' AND expires_at > :now`, { id, now })
      .execute();
    return result.affected ? this.get(id) : null;
  }

  /** The ENT did not give the code after all: the request waits again for someone to approve it. */
  async reopen(id: string): Promise<void> {
    await this.repo().update({ id, status: 'approved' }, { status: 'pending', decidedBy: null, decidedByName: null, decidedAt: null });
  }

  /** Withdraws the approvals nobody decided in time; each is returned once, to whichever process claimed it. */
  async expireDue(): Promise<ApprovalEntity[]> {
    const now = this.clock.now();
    const result = await this.repo()
      .createQueryBuilder()
      .update()
      .set({ status: 'expired', decidedAt: now })
      .where(`status = 'pending' AND expires_at <= :now`, { now })
      .returning(['id'])
      .execute();
    const ids = (result.raw as { id: string }[]).map((r) => r.id);
    return ids.length ? this.repo().createQueryBuilder('a').where('a.id IN (:...ids)', { ids }).getMany() : [];
  }

  private repo() {
    return this.db.getRepository(ApprovalEntity);
  }
}
