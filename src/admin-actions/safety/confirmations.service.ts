import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { randomToken, tokenDigest } from '../../ent/secret-box';
import { CONFIRMATION_VALIDITY_MS } from '../admin-actions.constants';
import { ConfirmationEntity, ConfirmationPayload } from './confirmation.entity';

export interface IssuedConfirmation {
  token: string;
  expiresAt: Date;
}

/**
 * Preview, then confirm: a preview leaves a single-use confirmation, valid two
 * minutes, bound to the actor who saw the preview and to what it showed.
 */
@Injectable()
export class ConfirmationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async issue(actorKey: string, action: string, payload: ConfirmationPayload): Promise<IssuedConfirmation> {
    const token = randomToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + CONFIRMATION_VALIDITY_MS);
    const row: ConfirmationEntity = { id: randomUUID(), tokenDigest: tokenDigest(token), actorKey, action, payload, createdAt: now, expiresAt, usedAt: null };
    await this.repo().insert(row);
    return { token, expiresAt };
  }

  /** What a live confirmation is for, without using it (to check the confirmer's options first). */
  async peek(actorKey: string, token: string): Promise<{ action: string; payload: ConfirmationPayload }> {
    const found = await this.repo().findOneBy({ tokenDigest: tokenDigest(token) });
    this.check(found, actorKey);
    return { action: found!.action, payload: found!.payload };
  }

  /** Uses the confirmation up; whoever comes second, or late, or with someone else's token, gets a typed refusal. */
  async redeem(actorKey: string, token: string): Promise<{ action: string; payload: ConfirmationPayload }> {
    const digest = tokenDigest(token);
    const now = this.clock.now();
    const claimed = await this.repo()
      .createQueryBuilder()
      .update()
      .set({ usedAt: now })
      .where('token_digest = :digest AND actor_key = :actorKey AND used_at IS NULL AND expires_at > :now', { digest, actorKey, now })
      .returning(['action', 'payload'])
      .execute();
    const row = (claimed.raw as { action: string; payload: ConfirmationPayload }[])[0];
    if (row) return row;
    this.check(await this.repo().findOneBy({ tokenDigest: digest }), actorKey);
    // Live a moment ago, used by a concurrent confirm now.
    throw new DomainError('CONFIRMATION_USED', 'This confirmation was already used.');
  }

  private check(found: ConfirmationEntity | null, actorKey: string): void {
    // Someone else's confirmation is as unknown to this actor as a made-up one.
    if (!found || found.actorKey !== actorKey) throw new DomainError('CONFIRMATION_NOT_FOUND', 'No such confirmation.');
    if (found.usedAt) throw new DomainError('CONFIRMATION_USED', 'This confirmation was already used.');
    if (found.expiresAt <= this.clock.now()) throw new DomainError('CONFIRMATION_EXPIRED', 'This confirmation has expired.');
  }

  private repo() {
    return this.db.getRepository(ConfirmationEntity);
  }
}
