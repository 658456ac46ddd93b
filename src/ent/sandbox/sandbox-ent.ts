import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, MoreThan } from 'typeorm';
import { Clock } from '../../common/clock';
import {
  ChannelsAnswer,
  EntGrant,
  EntIdentity,
  entError,
  EntNamed,
  EntPerson,
  maskEmail,
  maskMobile,
  ProfileBlock,
  ResetService,
} from '../ent-port';
import { randomToken, SecretBox, tokenDigest } from '../secret-box';
import { followsPasswordRule, hashPassword, randomCode, verifyPassword } from './sandbox-passwords';
import { administersStructure, mayBlock, mayGenerateCode, maySee } from './sandbox-rights';
import {
  SandboxBlockTraceEntity,
  SandboxClassEntity,
  SandboxCodeEntity,
  SandboxMailEntity,
  SandboxStructureEntity,
  SandboxTokenEntity,
  SandboxTokenKind,
  SandboxUserEntity,
} from './sandbox.entities';

const HOUR = 3_600_000;
/** The usual deployment's `reset-code-expire-delay`. */
export const SANDBOX_CODE_VALIDITY_MS = 24 * HOUR;
/** Failed logins while a code is live, before the code is withdrawn. */
export const SANDBOX_CODE_MAX_ATTEMPTS = 10;
const TOKEN_LIFETIME: Record<SandboxTokenKind, number> = {
  authorization_code: 5 * 60_000,
  access: HOUR,
  refresh: 30 * 24 * HOUR,
  reset_ticket: 30 * 60_000,
  activation_ticket: 30 * 60_000,
};
const CODE_PURPOSE = 'sandbox-code';
const MAIL_PURPOSE = 'sandbox-mail';

export type LoginOutcome =
  | { kind: 'refused' }
  | { kind: 'logged_in'; user: SandboxUserEntity }
  | { kind: 'reset'; ticket: string; login: string }
  | { kind: 'activation'; ticket: string; login: string };

export type PasswordChange = 'done' | 'invalid_ticket' | 'mismatch' | 'weak' | 'cgu' | 'invalid_contact';

export interface SandboxMail {
  channel: 'mail' | 'mobile';
  address: string;
  code: string;
  at: Date;
}

/**
 * The demo académie's ENT, kept in the project's database: what entcore does
 * for logins, OAuth2 grants, renewal and reset codes, blocking and look-ups,
 * with the same rights. The adapter (`sandbox-ent.adapter.ts`) serves the port
 * from it; `sandbox-pages.controller.ts` serves its login and reset pages.
 */
@Injectable()
export class SandboxEnt {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  // ---- OAuth2 ----------------------------------------------------------------

  async issueAuthorizationCode(userId: string, redirectUri: string): Promise<string> {
    return this.issueToken('authorization_code', userId, { redirectUri });
  }

  async exchangeCode(code: string, redirectUri: string): Promise<EntGrant> {
    const token = await this.consumeToken('authorization_code', code);
    if (!token || token.redirectUri !== redirectUri) throw entError('refused', 'invalid authorization code');
    return this.issueGrant(token.userId);
  }

  async refresh(refreshToken: string | null): Promise<EntGrant> {
    const token = refreshToken ? await this.consumeToken('refresh', refreshToken) : null;
    const user = token ? await this.users().findOneBy({ id: token.userId }) : null;
    if (!token || !user || user.blocked) throw entError('link_expired', 'refresh token refused');
    return this.issueGrant(token.userId);
  }

  /** The user an access token belongs to; a blocked user's sessions are over. */
  async authenticate(accessToken: string): Promise<SandboxUserEntity> {
    const token = await this.tokens().findOneBy({ tokenDigest: tokenDigest(accessToken), kind: 'access', usedAt: IsNull() });
    const user = token && token.expiresAt > this.clock.now() ? await this.users().findOneBy({ id: token.userId }) : null;
    if (!user || user.blocked) throw entError('link_expired', 'access token refused');
    return user;
  }

  identity(user: SandboxUserEntity): EntIdentity {
    return {
      id: user.id,
      login: user.login,
      displayName: user.displayName,
      profile: user.profile,
      structures: user.structureIds,
      classes: user.classIds,
      functions: user.functions,
      children: user.childIds,
    };
  }

  // ---- Directory look-ups ----------------------------------------------------

  async findByLogin(actor: SandboxUserEntity, login: string): Promise<EntPerson | null> {
    const user = await this.users().findOneBy({ login });
    return user && maySee(subject(actor), subject(user)) ? (await this.people([user]))[0] : null;
  }

  async searchByName(actor: SandboxUserEntity, structureId: string, name: string): Promise<EntPerson[]> {
    const words = name.toLowerCase().split(/\s+/).filter(Boolean);
    const users = await this.db
      .getRepository(SandboxUserEntity)
      .createQueryBuilder('u')
      .where(':structure = ANY(u.structure_ids)', { structure: structureId })
      .orderBy('u.display_name')
      .getMany();
    const matches = users.filter(
      (u) => maySee(subject(actor), subject(u)) && words.every((w) => `${u.firstName} ${u.lastName} ${u.displayName}`.toLowerCase().includes(w)),
    );
    return this.people(matches.slice(0, 20));
  }

  async profileBlocks(actor: SandboxUserEntity, structureId: string): Promise<ProfileBlock[]> {
    if (!administersStructure(subject(actor), structureId)) throw entError('refused', 'not an administrator of this structure');
    const traces = await this.db.getRepository(SandboxBlockTraceEntity).find({ where: { structureId }, order: { createdAt: 'ASC' } });
    const latest = new Map<string, SandboxBlockTraceEntity>();
    for (const trace of traces) latest.set(trace.profile, trace);
    return [...latest.values()].map((t) => ({ structureId, profile: t.profile, blocked: t.action === 'BLOCK', since: t.createdAt }));
  }

  // ---- Account actions ---------------------------------------------------------

  async generateRenewalCode(actor: SandboxUserEntity, login: string): Promise<string> {
    const user = await this.users().findOneBy({ login });
    if (!user) throw entError('refused', 'unknown login');
    if (!mayGenerateCode(subject(actor), subject(user))) throw entError('refused', 'no right on this account');
    if (user.activationCodeDigest !== null) throw entError('refused', 'not.activated');
    return this.db.transaction((m) => this.newCode(m, user, 'renewal'));
  }

  async setBlocked(actor: SandboxUserEntity, userId: string, blocked: boolean): Promise<void> {
    const user = await this.users().findOneBy({ id: userId });
    if (!user) throw entError('refused', 'unknown user');
    if (!mayBlock(subject(actor), subject(user))) throw entError('refused', 'no right on this account');
    await this.db.transaction(async (m) => {
      await m.getRepository(SandboxUserEntity).update({ id: userId }, { blocked });
      // Blocking ends the user's sessions.
      if (blocked) await m.getRepository(SandboxTokenEntity).delete({ userId });
    });
  }

  /** Sets the flag of every user with that profile in the structure and keeps a trace, as the console's "Blocage en lot". */
  async blockProfile(structureId: string, profile: SandboxUserEntity['profile'], blocked: boolean): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(`UPDATE sandbox_ent_users SET blocked = $1 WHERE profile = $2 AND $3 = ANY(structure_ids)`, [blocked, profile, structureId]);
      await m.getRepository(SandboxBlockTraceEntity).insert({ id: randomUUID(), structureId, profile, action: blocked ? 'BLOCK' : 'UNBLOCK', createdAt: this.clock.now() });
    });
  }

  async passwordChannels(login: string): Promise<ChannelsAnswer> {
    const user = await this.users().findOneBy({ login });
    if (!user) return { kind: 'no_match' };
    if (user.activationCodeDigest !== null) return { kind: 'not_activated' };
    if (!user.email && !user.mobile) return { kind: 'no_match' };
    return { kind: 'channels', channels: { mail: maskEmail(user.email), mobile: maskMobile(user.mobile) } };
  }

  /** The ENT's forgot-password: a reset code to the e-mail or mobile on file, into the sandbox's mailbox. */
  async forgotPassword(login: string, service: ResetService): Promise<void> {
    const user = await this.users().findOneBy({ login });
    if (!user) throw entError('refused', 'no.match');
    if (user.activationCodeDigest !== null) throw entError('refused', 'not.activated');
    const address = service === 'mail' ? user.email : user.mobile;
    if (!address) throw entError('refused', 'invalid.service');
    await this.db.transaction(async (m) => {
      const code = await this.newCode(m, user, 'reset');
      const body = JSON.stringify({ code, at: this.clock.now().toISOString() });
      await m.getRepository(SandboxMailEntity).insert({
        id: randomUUID(),
        userId: user.id,
        channel: service,
        address,
        bodyBox: this.secrets.encrypt(body, MAIL_PURPOSE),
        createdAt: this.clock.now(),
      });
    });
  }

  /** Messages sent to an address, shown once: reading them empties the box. */
  async readMailbox(address: string): Promise<SandboxMail[]> {
    const rows: SandboxMailEntity[] = await this.db.transaction(async (m) => {
      const found = await m.getRepository(SandboxMailEntity).find({ where: { address: address.trim() }, order: { createdAt: 'ASC' } });
      if (found.length) await m.getRepository(SandboxMailEntity).delete({ id: In(found.map((r) => r.id)) });
      return found;
    });
    return rows.flatMap((row) => {
      const opened = this.secrets.decrypt(row.bodyBox, MAIL_PURPOSE);
      if (!opened) return [];
      const { code } = JSON.parse(opened) as { code: string };
      return [{ channel: row.channel, address: row.address, code, at: row.createdAt }];
    });
  }

  // ---- Login and password pages ------------------------------------------------

  /** The login form: a password, an activation code (never-activated account) or a live renewal/reset code. */
  async login(login: string, password: string): Promise<LoginOutcome> {
    const user = await this.users().findOneBy({ login: login.trim() });
    // A blocked user reads the same "incorrect" message as a wrong password (seed 003).
    if (!user || user.blocked) return { kind: 'refused' };
    if (user.activationCodeDigest !== null) {
      if (this.secrets.digest(`${user.id}:${password}`, CODE_PURPOSE) !== user.activationCodeDigest) return { kind: 'refused' };
      return { kind: 'activation', ticket: await this.issueToken('activation_ticket', user.id), login: user.login };
    }
    if (await verifyPassword(password, user.passwordHash)) return { kind: 'logged_in', user };
    const digest = this.secrets.digest(`${user.id}:${password}`, CODE_PURPOSE);
    const code = (await this.liveCodes(user.id)).find((c) => c.codeDigest === digest);
    if (code) return { kind: 'reset', ticket: await this.issueToken('reset_ticket', user.id, { codeId: code.id }), login: user.login };
    await this.countFailure(user.id);
    return { kind: 'refused' };
  }

  /** Chooses a new password with a reset ticket; the code is used up then. */
  async resetPassword(ticket: string, password: string, confirmation: string): Promise<PasswordChange> {
    const token = await this.liveToken('reset_ticket', ticket);
    if (!token || !token.codeId) return 'invalid_ticket';
    if (password !== confirmation) return 'mismatch';
    if (!followsPasswordRule(password)) return 'weak';
    const passwordHash = await hashPassword(password);
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      const used: unknown[] = await m.query(
        `UPDATE sandbox_ent_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 RETURNING id`,
        [token.codeId, now],
      );
      if (rowsOf(used).length === 0) return 'invalid_ticket';
      await m.getRepository(SandboxTokenEntity).update({ tokenDigest: token.tokenDigest }, { usedAt: now });
      await m.getRepository(SandboxUserEntity).update({ id: token.userId }, { passwordHash });
      return 'done';
    });
  }

  /** First login of a never-activated account: a password, an e-mail, optionally a mobile, and the terms of use. */
  async activate(ticket: string, input: { password: string; confirmation: string; email: string; mobile: string; acceptsTerms: boolean }): Promise<PasswordChange> {
    const token = await this.liveToken('activation_ticket', ticket);
    if (!token) return 'invalid_ticket';
    if (!input.acceptsTerms) return 'cgu';
    if (input.password !== input.confirmation) return 'mismatch';
    if (!followsPasswordRule(input.password)) return 'weak';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim()) || (input.mobile.trim() && !/^\+?[\d .]{10,16}$/.test(input.mobile.trim()))) {
      return 'invalid_contact';
    }
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      const consumed: unknown[] = await m.query(
        `UPDATE sandbox_ent_tokens SET used_at = $2 WHERE token_digest = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id`,
        [token.tokenDigest, now],
      );
      if (rowsOf(consumed).length === 0) return 'invalid_ticket';
      await m.getRepository(SandboxUserEntity).update(
        { id: token.userId },
        { passwordHash, activationCodeDigest: null, email: input.email.trim(), mobile: input.mobile.trim() || null },
      );
      return 'done';
    });
  }

  // ---- Seeding ------------------------------------------------------------------

  /** Stores an activation code the way the ENT compares it at login. */
  activationDigest(userId: string, code: string): string {
    return this.secrets.digest(`${userId}:${code}`, CODE_PURPOSE);
  }

  async isEmpty(): Promise<boolean> {
    return (await this.users().count()) === 0;
  }

  // ---- Internals ------------------------------------------------------------------

  private async newCode(m: EntityManager, user: SandboxUserEntity, kind: 'renewal' | 'reset'): Promise<string> {
    const now = this.clock.now();
    // One live code per account: a new one withdraws the previous ones.
    await m.query(`UPDATE sandbox_ent_codes SET revoked_at = $2 WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL`, [user.id, now]);
    const code = randomCode();
    await m.getRepository(SandboxCodeEntity).insert({
      id: randomUUID(),
      userId: user.id,
      kind,
      codeDigest: this.secrets.digest(`${user.id}:${code}`, CODE_PURPOSE),
      createdAt: now,
      expiresAt: new Date(now.getTime() + SANDBOX_CODE_VALIDITY_MS),
      usedAt: null,
      revokedAt: null,
      failedAttempts: 0,
    });
    return code;
  }

  private liveCodes(userId: string): Promise<SandboxCodeEntity[]> {
    return this.db.getRepository(SandboxCodeEntity).findBy({ userId, usedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) });
  }

  private async countFailure(userId: string): Promise<void> {
    await this.db.query(
      `UPDATE sandbox_ent_codes SET failed_attempts = failed_attempts + 1,
              revoked_at = CASE WHEN failed_attempts + 1 >= $3 THEN $2 ELSE NULL END
        WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2`,
      [userId, this.clock.now(), SANDBOX_CODE_MAX_ATTEMPTS],
    );
  }

  private async issueGrant(userId: string): Promise<EntGrant> {
    const accessToken = await this.issueToken('access', userId);
    const refreshToken = await this.issueToken('refresh', userId);
    return { accessToken, refreshToken, expiresAt: new Date(this.clock.now().getTime() + TOKEN_LIFETIME.access) };
  }

  private async issueToken(kind: SandboxTokenKind, userId: string, extra: { redirectUri?: string; codeId?: string } = {}): Promise<string> {
    const token = randomToken();
    const now = this.clock.now();
    await this.tokens().insert({
      tokenDigest: tokenDigest(token),
      kind,
      userId,
      redirectUri: extra.redirectUri ?? null,
      codeId: extra.codeId ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIME[kind]),
      usedAt: null,
    });
    return token;
  }

  private async liveToken(kind: SandboxTokenKind, token: string): Promise<SandboxTokenEntity | null> {
    const row = await this.tokens().findOneBy({ tokenDigest: tokenDigest(token), kind, usedAt: IsNull() });
    return row && row.expiresAt > this.clock.now() ? row : null;
  }

  /** Single use: the first caller marks it used, a second one gets nothing. */
  private async consumeToken(kind: SandboxTokenKind, token: string): Promise<SandboxTokenEntity | null> {
    const now = this.clock.now();
    const rows: unknown[] = await this.db.query(
      `UPDATE sandbox_ent_tokens SET used_at = $3 WHERE token_digest = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3
       RETURNING user_id, redirect_uri`,
      [tokenDigest(token), kind, now],
    );
    const row = rowsOf(rows)[0] as { user_id: string; redirect_uri: string | null } | undefined;
    return row ? Object.assign(new SandboxTokenEntity(), { userId: row.user_id, redirectUri: row.redirect_uri }) : null;
  }

  private async people(users: SandboxUserEntity[]): Promise<EntPerson[]> {
    if (users.length === 0) return [];
    const structureIds = [...new Set(users.flatMap((u) => u.structureIds))];
    const classIds = [...new Set(users.flatMap((u) => u.classIds))];
    const [structures, classes, children, parents] = await Promise.all([
      structureIds.length ? this.db.getRepository(SandboxStructureEntity).findBy({ id: In(structureIds) }) : [],
      classIds.length ? this.db.getRepository(SandboxClassEntity).findBy({ id: In(classIds) }) : [],
      this.users().findBy({ id: In([...new Set(users.flatMap((u) => u.childIds)), '']) }),
      this.db
        .getRepository(SandboxUserEntity)
        .createQueryBuilder('p')
        .where('p.child_ids && :ids', { ids: users.map((u) => u.id) })
        .getMany(),
    ]);
    const named = (rows: { id: string; name: string }[], ids: string[]): EntNamed[] =>
      ids.flatMap((id) => rows.filter((r) => r.id === id).map((r) => ({ id: r.id, name: r.name })));
    const person = (u: SandboxUserEntity): EntNamed => ({ id: u.id, name: u.displayName });
    return users.map((u) => ({
      id: u.id,
      login: u.login,
      displayName: u.displayName,
      profile: u.profile,
      source: u.source,
      structures: named(structures, u.structureIds),
      classes: named(classes, u.classIds),
      functions: u.functions,
      activated: u.activationCodeDigest === null,
      blocked: u.blocked,
      maskedEmail: maskEmail(u.email),
      maskedMobile: maskMobile(u.mobile),
      parents: parents.filter((p) => p.childIds.includes(u.id)).map(person),
      children: children.filter((c) => u.childIds.includes(c.id)).map(person),
    }));
  }

  private users() {
    return this.db.getRepository(SandboxUserEntity);
  }

  private tokens() {
    return this.db.getRepository(SandboxTokenEntity);
  }
}

function subject(user: SandboxUserEntity) {
  return { id: user.id, profile: user.profile, structureIds: user.structureIds, classIds: user.classIds, functions: user.functions };
}

/** `pg` returns rows for UPDATE … RETURNING; TypeORM's Postgres driver wraps them as [rows, count]. */
function rowsOf(result: unknown[]): unknown[] {
  return Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
}
