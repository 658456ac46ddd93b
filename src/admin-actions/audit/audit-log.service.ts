import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, MoreThanOrEqual } from 'typeorm';
import { Clock } from '../../common/clock';
import { AUDIT_GENESIS_HASH } from '../../database/migrations/1764500000001-account-actions';
import { auditHash, ChainCheck, ChainVerifier } from './audit-chain';
import { AuditEntryEntity, AuditHeadEntity, AuditOutcome } from './audit-entry.entity';

export interface AuditInput {
  actor: { key: string; entUserId: string | null; name: string | null; channel: string };
  action: string;
  target?: { entUserId?: string | null; login?: string | null; name?: string | null } | null;
  outcome: AuditOutcome;
  reason?: string | null;
  /** Ids and flags only: never a code, a token, a password or a message body. */
  details?: Record<string, string | number | boolean | null>;
}

const PAGE = 500;

/**
 * A name as the audit keeps it (minimisation, issue 18): a SHA-256 salted with
 * the previous row's hash, so a row confirms a name an auditor is given
 * without showing it, and the same name differs from row to row.
 */
export function nameDigest(salt: string, name: string | null): string | null {
  return name === null ? null : `sha256:${createHash('sha256').update(`${salt}:${name}`).digest('hex')}`;
}

/**
 * The only writer of the audit log. Appends run one at a time (the head row is
 * locked), so sequence numbers have no gaps and each row hashes its predecessor.
 */
@Injectable()
export class AuditLogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async append(input: AuditInput): Promise<number> {
    return this.db.transaction(async (m) => {
      const [head] = (await m.query(`SELECT seq, hash FROM account_audit_head WHERE id = 1 FOR UPDATE`)) as { seq: string; hash: string }[];
      const fields = {
        seq: Number(head.seq) + 1,
        at: this.clock.now(),
        actorKey: input.actor.key,
        actorEntUserId: input.actor.entUserId,
        // The audit needs who and which account (ENT ids, login), not names: see nameDigest.
        actorName: nameDigest(head.hash, input.actor.name),
        channel: input.actor.channel,
        action: input.action,
        targetEntUserId: input.target?.entUserId ?? null,
        targetLogin: input.target?.login ?? null,
        targetName: nameDigest(head.hash, input.target?.name ?? null),
        outcome: input.outcome,
        reason: input.reason ?? null,
        details: input.details ?? {},
      };
      const hash = auditHash(head.hash, fields);
      await m.getRepository(AuditEntryEntity).insert({ ...fields, prevHash: head.hash, hash });
      await m.query(`UPDATE account_audit_head SET seq = $1, hash = $2 WHERE id = 1`, [fields.seq, hash]);
      return fields.seq;
    });
  }

  /** Newest first. */
  list(query: { limit: number; before?: number; targetEntUserId?: string; actorEntUserId?: string; since?: Date }): Promise<AuditEntryEntity[]> {
    return this.db.getRepository(AuditEntryEntity).find({
      where: {
        ...(query.before ? { seq: LessThan(query.before) } : {}),
        ...(query.targetEntUserId ? { targetEntUserId: query.targetEntUserId } : {}),
        ...(query.actorEntUserId ? { actorEntUserId: query.actorEntUserId } : {}),
        ...(query.since ? { at: MoreThanOrEqual(query.since) } : {}),
      },
      order: { seq: 'DESC' },
      take: query.limit,
    });
  }

  /** Reads the whole log in order, a page at a time, and reports the first broken row. */
  async verify(): Promise<ChainCheck> {
    const verifier = new ChainVerifier(AUDIT_GENESIS_HASH);
    const repo = this.db.getRepository(AuditEntryEntity);
    let after = 0;
    for (;;) {
      const rows = await repo.createQueryBuilder('a').where('a.seq > :after', { after }).orderBy('a.seq', 'ASC').take(PAGE).getMany();
      for (const row of rows) if (!verifier.push(row)) return verifier.finish({ seq: -1, hash: '' });
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1].seq;
    }
    const head = await this.db.getRepository(AuditHeadEntity).findOneByOrFail({ id: 1 });
    return verifier.finish(head);
  }
}
