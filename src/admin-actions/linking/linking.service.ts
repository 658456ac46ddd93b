import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { EntPort, EntProfile } from '../../ent/ent-port';
import { randomToken, tokenDigest } from '../../ent/secret-box';
import { ChatIdentity, identityKey } from '../actor';
import { LINK_VALIDITY_MS } from '../admin-actions.constants';
import { AuditLogService } from '../audit/audit-log.service';
import { AccountMessages } from '../messages/account-messages';
import { ChatLinkEntity } from './chat-link.entity';
import { EntAccountEntity } from './ent-account.entity';
import { EntAccountsService } from './ent-accounts.service';
import { LinkRequestEntity } from './link-request.entity';

export interface LinkOffer {
  /** Secret: for the one chat identity it was made for, in a private message. */
  url: string;
  expiresAt: Date;
  text: string;
}

export interface LinkedPerson {
  entUserId: string;
  login: string;
  displayName: string;
  profile: EntProfile;
  structureIds: string[];
}

export interface LinkView {
  channel: string;
  externalId: string;
  displayName: string | null;
  linkedAt: Date;
  entUserId: string;
  entDisplayName: string;
  entLogin: string;
}

/**
 * Links chat identities to ENT accounts: a one-time link (10 minutes, single
 * use) leads to the ENT's OAuth2 authorization page; the callback stores the
 * person's grant and the link. Only digests of the link token and of the OAuth2
 * state are kept.
 */
@Injectable()
export class LinkingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ent: EntPort,
    private readonly accounts: EntAccountsService,
    private readonly audit: AuditLogService,
    private readonly messages: AccountMessages,
    private readonly clock: Clock,
  ) {}

  async offer(identity: ChatIdentity): Promise<LinkOffer> {
    const token = randomToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + LINK_VALIDITY_MS);
    await this.requests().insert({
      id: randomUUID(),
      channel: identity.channel,
      externalId: identity.externalId,
      displayName: identity.displayName ?? null,
      tokenDigest: tokenDigest(token),
      stateDigest: null,
      createdAt: now,
      expiresAt,
      usedAt: null,
    });
    const url = `${this.config.accounts.publicUrl}/link?${new URLSearchParams({ token })}`;
    return { url, expiresAt, text: this.messages.render('link.offer', { url, minutes: LINK_VALIDITY_MS / 60_000 }) };
  }

  /** Checks the link and sends the browser to the ENT; a new OAuth2 state each visit (link previews may open it first). */
  async begin(token: string): Promise<string> {
    const request = await this.usable(await this.requests().findOneBy({ tokenDigest: tokenDigest(token) }));
    const state = randomToken();
    await this.requests().update({ id: request.id }, { stateDigest: tokenDigest(state) });
    return this.ent.authorizationUrl({ state, redirectUri: this.callbackUrl() });
  }

  /** The ENT's redirect: the link is used up before the code is exchanged, so it never serves twice. */
  async complete(state: string, code: string): Promise<{ identity: ChatIdentity; account: EntAccountEntity }> {
    const request = await this.usable(await this.requests().findOneBy({ stateDigest: tokenDigest(state) }));
    const now = this.clock.now();
    const claimed = await this.requests()
      .createQueryBuilder()
      .update()
      .set({ usedAt: now })
      .where('id = :id AND used_at IS NULL AND expires_at > :now', { id: request.id, now })
      .execute();
    if (!claimed.affected) throw new DomainError('LINK_USED', 'This link was already used.');
    const grant = await this.ent.exchangeCode(code, this.callbackUrl());
    const person = await this.ent.whoAmI(grant);
    const account = await this.accounts.save(person, grant);
    const identity: ChatIdentity = { channel: request.channel, externalId: request.externalId, displayName: request.displayName };
    const previous = await this.resolve(identity);
    await this.db.query(
      `INSERT INTO chat_links (id, channel, external_id, display_name, ent_user_id, linked_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (channel, external_id) DO UPDATE SET ent_user_id = EXCLUDED.ent_user_id, display_name = EXCLUDED.display_name, linked_at = EXCLUDED.linked_at`,
      [randomUUID(), identity.channel, identity.externalId, identity.displayName ?? null, person.id, now],
    );
    // Relinked to someone else: the former account's grant goes if nothing else uses it.
    if (previous && previous.entUserId !== person.id && (await this.links().countBy({ entUserId: previous.entUserId })) === 0) {
      await this.accounts.forget(previous.entUserId);
    }
    await this.audit.append({
      actor: { key: identityKey(identity), entUserId: person.id, name: identity.displayName ?? null, channel: identity.channel },
      action: 'link',
      target: { entUserId: person.id, login: person.login, name: person.displayName },
      outcome: 'done',
    });
    return { identity, account };
  }

  /** Who a chat identity is in the ENT, as they were when they linked it (or last acted); null when not linked. */
  async linkedPerson(identity: ChatIdentity): Promise<LinkedPerson | null> {
    const [row]: { ent_user_id: string; login: string; display_name: string; profile: LinkedPerson['profile']; structure_ids: string[] }[] = await this.db.query(
      `SELECT a.ent_user_id, a.login, a.display_name, a.profile, a.structure_ids
         FROM chat_links l JOIN ent_accounts a ON a.ent_user_id = l.ent_user_id
        WHERE l.channel = $1 AND l.external_id = $2`,
      [identity.channel, identity.externalId],
    );
    return row ? { entUserId: row.ent_user_id, login: row.login, displayName: row.display_name, profile: row.profile, structureIds: row.structure_ids } : null;
  }

  resolve(identity: ChatIdentity): Promise<ChatLinkEntity | null> {
    return this.links().findOneBy({ channel: identity.channel, externalId: identity.externalId });
  }

  /** Every chat identity linked to the same ENT person as this one. */
  async linksOf(entUserId: string): Promise<LinkView[]> {
    const rows: { channel: string; external_id: string; display_name: string | null; linked_at: Date; ent_user_id: string; ent_name: string; ent_login: string }[] =
      await this.db.query(
        `SELECT l.channel, l.external_id, l.display_name, l.linked_at, a.ent_user_id, a.display_name AS ent_name, a.login AS ent_login
           FROM chat_links l JOIN ent_accounts a ON a.ent_user_id = l.ent_user_id
          WHERE l.ent_user_id = $1 ORDER BY l.linked_at`,
        [entUserId],
      );
    return rows.map((r) => ({
      channel: r.channel,
      externalId: r.external_id,
      displayName: r.display_name,
      linkedAt: new Date(r.linked_at),
      entUserId: r.ent_user_id,
      entDisplayName: r.ent_name,
      entLogin: r.ent_login,
    }));
  }

  /** Removes the identity's link; the grant goes with the person's last link. */
  async unlink(identity: ChatIdentity, by: { key: string; entUserId: string | null; name: string | null; channel: string }): Promise<boolean> {
    const link = await this.resolve(identity);
    if (!link) return false;
    await this.db.transaction(async (m) => {
      await m.getRepository(ChatLinkEntity).delete({ id: link.id });
      const left = await m.getRepository(ChatLinkEntity).countBy({ entUserId: link.entUserId });
      if (left === 0) await m.getRepository(EntAccountEntity).delete({ entUserId: link.entUserId });
    });
    await this.audit.append({ actor: by, action: 'unlink', target: { entUserId: link.entUserId }, outcome: 'done', details: { channel: identity.channel } });
    return true;
  }

  callbackUrl(): string {
    return `${this.config.accounts.publicUrl}/link/callback`;
  }

  private async usable(request: LinkRequestEntity | null): Promise<LinkRequestEntity> {
    // An altered token matches nothing: the same answer as a token never issued.
    if (!request) throw new DomainError('LINK_INVALID', 'This link is not valid.');
    if (request.usedAt) throw new DomainError('LINK_USED', 'This link was already used.');
    if (request.expiresAt <= this.clock.now()) throw new DomainError('LINK_EXPIRED', 'This link has expired.');
    return request;
  }

  private requests() {
    return this.db.getRepository(LinkRequestEntity);
  }

  private links() {
    return this.db.getRepository(ChatLinkEntity);
  }
}
