import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { ACTOR_WINDOW_MS, TARGET_SECRET_LIMIT, TARGET_WINDOW_MS } from '../admin-actions.constants';
import { ActionUsageEntity } from './action-usage.entity';

/** Uses that send a secret to an account: renewal codes and ENT resets. At most three per account a day. */
export const SECRET_KINDS = ['renewal_code', 'self_reset'] as const;

export type UsageKind = (typeof SECRET_KINDS)[number] | 'block' | 'unblock' | 'approval_request';

export interface Reservation {
  id: string;
}

/**
 * Sliding-window limits kept in the database, so every replica counts the same
 * uses: per actor (ACCOUNT_ACTIONS_ACTOR_LIMIT an hour) and per target account
 * (three codes or resets a day). A use is reserved before the ENT is called,
 * under a transaction-level advisory lock per key, and released if the call fails.
 */
@Injectable()
export class RateLimiter {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async reserve(use: { actorKey: string; targetKey: string | null; kind: UsageKind }): Promise<Reservation> {
    const id = randomUUID();
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const keys = [use.actorKey, use.targetKey].filter((k): k is string => k !== null).sort();
      for (const key of keys) await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`account-usage:${key}`]);
      const [actor] = (await m.query(`SELECT count(*)::int AS n FROM account_action_usage WHERE actor_key = $1 AND at > $2`, [
        use.actorKey,
        new Date(now.getTime() - ACTOR_WINDOW_MS),
      ])) as { n: number }[];
      if (actor.n >= this.config.accounts.actorLimitPerHour) throw new DomainError('RATE_LIMITED', 'Too many account actions by this actor in the last hour.', { limit: 'actor' });
      if (use.targetKey && (SECRET_KINDS as readonly string[]).includes(use.kind)) {
        const [target] = (await m.query(`SELECT count(*)::int AS n FROM account_action_usage WHERE target_key = $1 AND kind = ANY($2) AND at > $3`, [
          use.targetKey,
          [...SECRET_KINDS],
          new Date(now.getTime() - TARGET_WINDOW_MS),
        ])) as { n: number }[];
        if (target.n >= TARGET_SECRET_LIMIT) throw new DomainError('RATE_LIMITED', 'This account already received three codes or resets in the last 24 hours.', { limit: 'target' });
      }
      await m.getRepository(ActionUsageEntity).insert({ id, actorKey: use.actorKey, targetKey: use.targetKey, kind: use.kind, at: now });
    });
    return { id };
  }

  /** The ENT did not act: the use does not count. */
  async release(reservation: Reservation): Promise<void> {
    await this.db.getRepository(ActionUsageEntity).delete({ id: reservation.id });
  }
}
