import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { EntGrant, EntIdentity, entError, EntPort } from '../../ent/ent-port';
import { SecretBox } from '../../ent/secret-box';
import { GRANT_REFRESH_MARGIN_MS } from '../admin-actions.constants';
import { EntAccountEntity } from './ent-account.entity';

const GRANT_PURPOSE = 'ent-grant';

interface StoredGrant {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: string;
}

/**
 * The only writer of `ent_accounts`: the ENT grants of people who linked a chat
 * identity (AES-GCM, never in clear, never logged) and a snapshot of who they
 * are in the ENT. Calls on someone's behalf go through `withGrant`, which
 * refreshes an expiring or refused token once before giving up.
 */
@Injectable()
export class EntAccountsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ent: EntPort,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  async save(identity: EntIdentity, grant: EntGrant): Promise<EntAccountEntity> {
    const now = this.clock.now();
    const existing = await this.repo().findOneBy({ entUserId: identity.id });
    const row: EntAccountEntity = {
      ...snapshot(identity),
      grantBox: this.seal(grant),
      grantExpiresAt: grant.expiresAt,
      linkedAt: existing?.linkedAt ?? now,
      refreshedAt: now,
    };
    await this.repo().upsert(row, ['entUserId']);
    return row;
  }

  find(entUserId: string): Promise<EntAccountEntity | null> {
    return this.repo().findOneBy({ entUserId });
  }

  async forget(entUserId: string): Promise<void> {
    await this.repo().delete({ entUserId });
  }

  /** Fresh facts about the person (their functions and classes may have changed since they linked). */
  async whoIs(entUserId: string): Promise<EntIdentity> {
    const identity = await this.withGrant(entUserId, (grant) => this.ent.whoAmI(grant));
    await this.repo().update({ entUserId }, { ...snapshot(identity), refreshedAt: this.clock.now() });
    return identity;
  }

  async withGrant<T>(entUserId: string, call: (grant: EntGrant) => Promise<T>): Promise<T> {
    let grant = await this.currentGrant(entUserId);
    if (grant.expiresAt.getTime() - GRANT_REFRESH_MARGIN_MS <= this.clock.now().getTime()) grant = await this.refresh(entUserId, grant);
    try {
      return await call(grant);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'ENT_LINK_EXPIRED') throw error;
      return call(await this.refresh(entUserId, grant));
    }
  }

  private async currentGrant(entUserId: string): Promise<EntGrant> {
    const row = await this.find(entUserId);
    const grant = row ? this.open(row.grantBox) : null;
    // A grant sealed with another key (ENT_TOKEN_KEY changed) is as good as gone: the person links again.
    if (!grant) throw entError('link_expired', 'no usable grant');
    return grant;
  }

  private async refresh(entUserId: string, used: EntGrant): Promise<EntGrant> {
    try {
      const fresh = await this.ent.refreshGrant(used);
      await this.repo().update({ entUserId }, { grantBox: this.seal(fresh), grantExpiresAt: fresh.expiresAt, refreshedAt: this.clock.now() });
      return fresh;
    } catch (error) {
      // A concurrent action may have rotated the refresh token first: use what it stored.
      const now = await this.currentGrant(entUserId);
      if (now.refreshToken !== used.refreshToken && now.expiresAt > this.clock.now()) return now;
      throw error;
    }
  }

  private seal(grant: EntGrant): string {
    const stored: StoredGrant = { accessToken: grant.accessToken, refreshToken: grant.refreshToken, expiresAt: grant.expiresAt.toISOString() };
    return this.secrets.encrypt(JSON.stringify(stored), GRANT_PURPOSE);
  }

  private open(box: string): EntGrant | null {
    const opened = this.secrets.decrypt(box, GRANT_PURPOSE);
    if (!opened) return null;
    const stored = JSON.parse(opened) as StoredGrant;
    return { accessToken: stored.accessToken, refreshToken: stored.refreshToken, expiresAt: new Date(stored.expiresAt) };
  }

  private repo() {
    return this.db.getRepository(EntAccountEntity);
  }
}

function snapshot(identity: EntIdentity): Pick<EntAccountEntity, 'entUserId' | 'login' | 'displayName' | 'profile' | 'structureIds' | 'classIds' | 'childIds' | 'functions'> {
  return {
    entUserId: identity.id,
    login: identity.login,
    displayName: identity.displayName,
    profile: identity.profile,
    structureIds: identity.structures,
    classIds: identity.classes,
    childIds: identity.children,
    functions: identity.functions,
  };
}
