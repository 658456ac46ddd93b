import { z } from 'zod';
import { Clock } from '../../common/clock';
import { PROFILES } from '../../directory/profiles';
import { DomainError } from '../../common/errors';
import {
  ChannelsAnswer,
  EntFunction,
  EntGrant,
  EntIdentity,
  entError,
  EntNamed,
  EntPerson,
  EntPort,
  maskEmail,
  ProfileBlock,
  ResetService,
} from '../ent-port';

export interface EntcoreSettings {
  url: string;
  clientId: string;
  clientSecret: string;
  scope: string;
}

const TIMEOUT_MS = 10_000;

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive().optional(),
});

const profile = z.enum(PROFILES);

/** userinfo v2.1 is the session as the ENT keeps it; functions are keyed by code. */
const userInfo = z.object({
  userId: z.string().min(1),
  login: z.string().min(1),
  username: z.string().default(''),
  type: profile,
  structures: z.array(z.string()).default([]),
  classes: z.array(z.string()).default([]),
  functions: z.record(z.string(), z.object({ code: z.string(), scope: z.array(z.string()).nullish() })).default({}),
  childrenIds: z.array(z.string()).default([]),
});

const named = z.object({ id: z.string(), name: z.string().default('') });
const relative = z.object({ id: z.string(), firstName: z.string().default(''), lastName: z.string().default(''), displayName: z.string().optional() });

/** One row of `/directory/user/admin/list`; functions come as [code, scope] pairs. */
const adminListUser = z.object({
  id: z.string().min(1),
  type: profile,
  login: z.string().min(1),
  originalLogin: z.string().nullish(),
  firstName: z.string().default(''),
  lastName: z.string().default(''),
  displayName: z.string().nullish(),
  source: z.string().default('MANUAL'),
  blocked: z.boolean().nullish(),
  // The activation code itself: read only to know whether the account was activated, never kept.
  code: z.string().nullish(),
  email: z.string().nullish(),
  structures: z.array(named).default([]),
  allClasses: z.array(named).default([]),
  functions: z.array(z.tuple([z.string(), z.array(z.string()).nullish()])).nullish(),
  parents: z.array(relative).nullish(),
  children: z.array(relative).nullish(),
});

const channelsResponse = z.object({ mail: z.string().nullish(), mobile: z.string().nullish() });
const errorBody = z.object({ error: z.string() });
const traces = z.array(z.object({ structureId: z.string(), profile, action: z.enum(['BLOCK', 'UNBLOCK']), created: z.union([z.string(), z.object({ $date: z.union([z.string(), z.number()]) })]) }));
const renewal = z.object({ renewalCode: z.string().min(1) });

/**
 * The real ENT over HTTP. Account calls carry the asking person's own OAuth2
 * access token, so entcore applies its rights; a 401 is told apart from an
 * expired token by asking userinfo with the same token.
 */
export class EntcoreAdapter extends EntPort {
  readonly kind = 'entcore' as const;

  constructor(
    private readonly settings: EntcoreSettings,
    private readonly clock: Clock,
  ) {
    super();
  }

  authorizationUrl({ state, redirectUri }: { state: string; redirectUri: string }): string {
    const query = new URLSearchParams({ response_type: 'code', client_id: this.settings.clientId, redirect_uri: redirectUri, scope: this.settings.scope, state });
    return `${this.settings.url}/auth/oauth2/auth?${query}`;
  }

  exchangeCode(code: string, redirectUri: string): Promise<EntGrant> {
    return this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, 'refused');
  }

  refreshGrant(grant: EntGrant): Promise<EntGrant> {
    if (!grant.refreshToken) return Promise.reject(entError('link_expired', 'no refresh token'));
    return this.token({ grant_type: 'refresh_token', refresh_token: grant.refreshToken }, 'link_expired');
  }

  async whoAmI(grant: EntGrant): Promise<EntIdentity> {
    const response = await this.call('GET', '/auth/oauth2/userinfo?version=v2.1', { grant });
    if (response.status === 401) throw entError('link_expired', 'userinfo refused the token');
    const info = await this.parse(response, userInfo, 'userinfo');
    return {
      id: info.userId,
      login: info.login,
      displayName: info.username || info.login,
      profile: info.type,
      structures: info.structures,
      classes: info.classes,
      functions: Object.values(info.functions).map((f) => ({ code: f.code, scope: f.scope ?? [] })),
      children: info.childrenIds,
    };
  }

  async findByLogin(grant: EntGrant, login: string): Promise<EntPerson | null> {
    // The list filters by the term; the exact login is matched here, whatever the ENT's search considers close.
    const users = await this.adminList(grant, { searchTerm: login, searchType: 'login' });
    const user = users.find((u) => u.login === login || u.originalLogin === login);
    if (!user) return null;
    const person = toPerson(user);
    if (person.activated) {
      const channels = await this.passwordChannels(login);
      if (channels.kind === 'channels') person.maskedMobile = channels.channels.mobile;
    }
    return person;
  }

  async searchByName(grant: EntGrant, query: { structureId: string; name: string }): Promise<EntPerson[]> {
    const users = await this.adminList(grant, { structureId: query.structureId, searchTerm: query.name, searchType: 'displayName' });
    return users.slice(0, 20).map(toPerson);
  }

  async profileBlocks(grant: EntGrant, structureId: string): Promise<ProfileBlock[]> {
    const response = await this.call('GET', `/admin/api/block/traces/${encodeURIComponent(structureId)}`, { grant });
    await this.refuseUnlessOk(response, grant, 'block traces');
    const rows = (await this.parse(response, traces, 'block traces')).map((t) => ({ ...t, at: new Date(typeof t.created === 'string' ? t.created : t.created.$date) }));
    rows.sort((a, b) => a.at.getTime() - b.at.getTime());
    const latest = new Map<string, ProfileBlock>();
    for (const t of rows) latest.set(t.profile, { structureId, profile: t.profile, blocked: t.action === 'BLOCK', since: t.at });
    return [...latest.values()];
  }

  async generateRenewalCode(grant: EntGrant, login: string): Promise<string> {
    const response = await this.call('POST', '/auth/generatePasswordRenewalCode', { grant, form: { login } });
    await this.refuseUnlessOk(response, grant, 'renewal code');
    return (await this.parse(response, renewal, 'renewal code')).renewalCode;
  }

  async setBlocked(grant: EntGrant, userId: string, blocked: boolean): Promise<void> {
    const response = await this.call('PUT', `/auth/block/${encodeURIComponent(userId)}`, { grant, json: { block: blocked } });
    await this.refuseUnlessOk(response, grant, blocked ? 'block' : 'unblock');
  }

  async passwordChannels(login: string): Promise<ChannelsAnswer> {
    const response = await this.call('GET', `/auth/password-channels?${new URLSearchParams({ login })}`, {});
    if (response.status === 400) {
      const error = errorBody.safeParse(await response.json().catch(() => null));
      return error.success && error.data.error === 'not.activated' ? { kind: 'not_activated' } : { kind: 'no_match' };
    }
    if (!response.ok) throw entError('unavailable', `password-channels answered ${response.status}`);
    const channels = await this.parse(response, channelsResponse, 'password-channels');
    return { kind: 'channels', channels: { mail: channels.mail || null, mobile: channels.mobile || null } };
  }

  async forgotPassword(login: string, service: ResetService): Promise<void> {
    const response = await this.call('POST', '/auth/forgot-password', { json: { login, service } });
    if (response.status === 400) {
      const error = errorBody.safeParse(await response.json().catch(() => null));
      throw entError('refused', `forgot-password: ${error.success ? error.data.error : 'bad request'}`);
    }
    if (!response.ok) throw entError('unavailable', `forgot-password answered ${response.status}`);
  }

  // ---- HTTP ----------------------------------------------------------------------

  private async adminList(grant: EntGrant, params: Record<string, string>): Promise<z.output<typeof adminListUser>[]> {
    const response = await this.call('GET', `/directory/user/admin/list?${new URLSearchParams(params)}`, { grant });
    await this.refuseUnlessOk(response, grant, 'user look-up');
    return this.parse(response, z.array(adminListUser), 'user look-up');
  }

  private async token(form: Record<string, string>, onRefusal: 'refused' | 'link_expired'): Promise<EntGrant> {
    const basic = Buffer.from(`${this.settings.clientId}:${this.settings.clientSecret}`).toString('base64');
    const response = await this.call('POST', '/auth/oauth2/token', { form, headers: { authorization: `Basic ${basic}` } });
    if (response.status === 400 || response.status === 401) throw entError(onRefusal, `token endpoint answered ${response.status}`);
    const token = await this.parse(response, tokenResponse, 'token');
    return {
      accessToken: token.access_token,
      refreshToken: token.refresh_token ?? null,
      // A minute early, so a token never expires in the middle of an action.
      expiresAt: new Date(this.clock.now().getTime() + Math.max(0, (token.expires_in ?? 3600) - 60) * 1000),
    };
  }

  /** entcore answers 401 both for a dead token and for a missing right: userinfo with the same token tells which. */
  private async refuseUnlessOk(response: Response, grant: EntGrant, what: string): Promise<void> {
    if (response.ok) return;
    if (response.status === 401) {
      const check = await this.call('GET', '/auth/oauth2/userinfo?version=v2.1', { grant });
      if (check.status === 401) throw entError('link_expired', `${what}: token refused`);
      throw entError('refused', `${what}: no right`);
    }
    if (response.status === 403 || response.status === 400 || response.status === 404) throw entError('refused', `${what}: HTTP ${response.status}`);
    throw entError('unavailable', `${what}: HTTP ${response.status}`);
  }

  private async call(
    method: string,
    path: string,
    options: { grant?: EntGrant; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> },
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.grant) headers.authorization = `Bearer ${options.grant.accessToken}`;
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    try {
      return await fetch(`${this.settings.url}${path}`, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      // The path may hold a login, never a secret; the message stays generic anyway.
      throw entError('unavailable', `${method} ${path.split('?')[0]}: ${error instanceof Error ? error.name : 'network error'}`);
    }
  }

  private async parse<S extends z.ZodType>(response: Response, schema: S, what: string): Promise<z.output<S>> {
    if (!response.ok) throw entError('unavailable', `${what}: HTTP ${response.status}`);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new DomainError('ENT_UNAVAILABLE', `The ENT's ${what} answer was not understood.`);
    return parsed.data;
  }
}

function toPerson(u: z.output<typeof adminListUser>): EntPerson {
  const functions: EntFunction[] = (u.functions ?? []).map(([code, scope]) => ({ code, scope: scope ?? [] }));
  const relativeName = (r: z.output<typeof relative>): EntNamed => ({ id: r.id, name: r.displayName ?? `${r.firstName} ${r.lastName}`.trim() });
  return {
    id: u.id,
    login: u.login,
    displayName: u.displayName ?? `${u.firstName} ${u.lastName}`.trim(),
    profile: u.type,
    source: u.source,
    structures: u.structures,
    classes: u.allClasses,
    functions,
    activated: !u.code,
    blocked: u.blocked === true,
    maskedEmail: maskEmail(u.email),
    maskedMobile: null,
    parents: (u.parents ?? []).map(relativeName),
    children: (u.children ?? []).map(relativeName),
  };
}
