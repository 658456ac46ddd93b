import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { readDemoEnt } from '../../src/ent/sandbox/sandbox-demo-data';

/**
 * A stand-in for a real ENT (edificeio/entcore) on a local port, speaking the
 * routes Relais uses with entcore's rights and answers: OAuth2 (authorization
 * code, refresh, userinfo v2.1), the login form (password, activation code,
 * reset code → /auth/reset/<code>), renewal codes, block, the admin user list,
 * mass-block traces, password channels and forgot-password. Loaded from the
 * same demo académie as the sandbox. It is the ENT: what it sends by mail or
 * SMS lands in `sent`, which only tests read.
 */

type Profile = 'Teacher' | 'Personnel' | 'Relative' | 'Student' | 'Guest';

interface User {
  id: string;
  login: string;
  firstName: string;
  lastName: string;
  profile: Profile;
  source: string;
  structures: string[];
  classes: string[];
  children: string[];
  functions: { code: string; scope: string[] }[];
  email: string | null;
  mobile: string | null;
  password: string | null;
  activationCode: string | null;
  blocked: boolean;
}

interface Code {
  userId: string;
  code: string;
  expiresAt: number;
  used: boolean;
}

interface Token {
  userId: string;
  kind: 'code' | 'access' | 'refresh' | 'session';
  expiresAt: number;
  redirectUri?: string;
  used?: boolean;
}

export interface SentMessage {
  service: 'mail' | 'mobile';
  to: string;
  code: string;
}

export const ENTCORE_CLIENT = { id: 'relais-test', secret: 'relais-test-client-secret' };
const PASSWORD_RULE = /^(?=.*\p{Ll})(?=.*\p{Lu})(?=.*[^\p{L}]).{6,}$/u;
const HOUR = 3_600_000;

export class EntcoreServer {
  readonly users = new Map<string, User>();
  readonly structures = new Map<string, { name: string; classes: Map<string, string> }>();
  readonly traces: { structureId: string; profile: Profile; action: 'BLOCK' | 'UNBLOCK'; created: string }[] = [];
  readonly sent: SentMessage[] = [];
  /** Every request the ENT received, "METHOD /path" (for tests that check Relais did not call it). */
  readonly calls: string[] = [];
  private codes: Code[] = [];
  private tokens = new Map<string, Token>();

  private constructor(
    private readonly server: Server,
    private readonly now: () => number,
  ) {}

  static async start(now: () => number = Date.now): Promise<EntcoreServer> {
    let ent!: EntcoreServer;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          ent.handle(req, res, Buffer.concat(chunks).toString());
        } catch (error) {
          res.writeHead(500).end(String(error));
        }
      });
    });
    ent = new EntcoreServer(server, now);
    ent.load();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return ent;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The OAuth2 access and refresh tokens it handed out (secrets Relais must keep to itself). */
  issuedTokens(): string[] {
    return [...this.tokens.entries()].filter(([, t]) => t.kind === 'access' || t.kind === 'refresh').map(([value]) => value);
  }

  byLogin(login: string): User | undefined {
    return [...this.users.values()].find((u) => u.login === login);
  }

  private load(): void {
    const demo = readDemoEnt();
    for (const s of demo.structures) this.structures.set(s.id, { name: s.name, classes: new Map(s.classes.map((c) => [c.id, c.name])) });
    for (const u of demo.users) {
      this.users.set(u.id, {
        id: u.id,
        login: u.login,
        firstName: u.firstName,
        lastName: u.lastName,
        profile: u.profile,
        source: u.source,
        structures: u.structures,
        classes: u.classes,
        children: u.children,
        functions: u.functions,
        email: u.email ?? null,
        mobile: u.mobile ?? null,
        password: u.activationCode ? null : demo.password,
        activationCode: u.activationCode ?? null,
        blocked: false,
      });
    }
    for (const b of demo.profileBlocks) {
      for (const u of this.users.values()) if (u.profile === b.profile && u.structures.includes(b.structure)) u.blocked = true;
      this.traces.push({ structureId: b.structure, profile: b.profile, action: 'BLOCK', created: new Date(this.now()).toISOString() });
    }
  }

  // ---- routing ------------------------------------------------------------------

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://ent');
    const route = `${req.method} ${url.pathname}`;
    this.calls.push(route);
    const form = () => Object.fromEntries(new URLSearchParams(body));
    const json = () => (body ? (JSON.parse(body) as Record<string, unknown>) : {});
    if (route === 'GET /auth/oauth2/auth') return this.authorize(req, res, url);
    if (route === 'POST /auth/login') return this.login(res, form());
    if (route.startsWith('GET /auth/reset/')) return this.html(res, 200, `<form method="post" action="/auth/reset"><input name="resetCode" value="${url.pathname.split('/').pop()}"></form>`);
    if (route === 'POST /auth/reset') return this.reset(res, form());
    if (route === 'POST /auth/oauth2/token') return this.token(req, res, form());
    if (route === 'GET /auth/password-channels') return this.passwordChannels(res, url.searchParams.get('login') ?? '');
    if (route === 'POST /auth/forgot-password') return this.forgotPassword(res, json());
    // Everything below acts as the token's owner.
    const caller = this.bearer(req);
    if (!caller) return this.send(res, 401, {});
    if (route === 'GET /auth/oauth2/userinfo') return this.send(res, 200, this.session(caller));
    if (route === 'POST /auth/generatePasswordRenewalCode') return this.renewalCode(res, caller, form().login);
    if (req.method === 'PUT' && url.pathname.startsWith('/auth/block/')) return this.block(res, caller, decodeURIComponent(url.pathname.slice('/auth/block/'.length)), json());
    if (route === 'GET /directory/user/admin/list') return this.adminList(res, caller, url.searchParams);
    if (req.method === 'GET' && url.pathname.startsWith('/admin/api/block/traces/')) return this.blockTraces(res, caller, decodeURIComponent(url.pathname.split('/').pop()!));
    this.send(res, 404, { error: 'not found' });
  }

  // ---- OAuth2 and login ------------------------------------------------------------

  private authorize(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const q = url.searchParams;
    if (q.get('response_type') !== 'code' || q.get('client_id') !== ENTCORE_CLIENT.id || !q.get('scope')) return this.send(res, 400, { error: 'invalid_request' });
    const session = this.cookieSession(req);
    if (!session) return this.loginPage(res, 200, `${url.pathname}${url.search}`);
    const code = this.issue({ userId: session.userId, kind: 'code', expiresAt: this.now() + 5 * 60_000, redirectUri: q.get('redirect_uri')! });
    const target = new URL(q.get('redirect_uri')!);
    target.searchParams.set('code', code);
    if (q.get('state')) target.searchParams.set('state', q.get('state')!);
    this.redirect(res, target.toString());
  }

  private login(res: ServerResponse, form: Record<string, string>): void {
    const user = this.byLogin(form.email ?? '');
    const callBack = form.callBack ? decodeURIComponent(form.callBack) : '/';
    if (!user || user.blocked) return this.loginPage(res, 200, callBack, true);
    if (user.password !== null && form.password === user.password) {
      const session = this.issue({ userId: user.id, kind: 'session', expiresAt: this.now() + HOUR });
      res.setHeader('set-cookie', `oneSessionId=${session}; Path=/; HttpOnly`);
      return this.redirect(res, callBack);
    }
    if (user.activationCode !== null && form.password === user.activationCode) return this.html(res, 200, '<p>activation.html</p>');
    const code = this.liveCode(user.id, form.password ?? '');
    if (code) return this.redirect(res, `/auth/reset/${code.code}?login=${encodeURIComponent(user.login)}`);
    this.loginPage(res, 200, callBack, true);
  }

  private reset(res: ServerResponse, form: Record<string, string>): void {
    const user = this.byLogin(form.login ?? '');
    const code = user ? this.liveCode(user.id, form.resetCode ?? '') : undefined;
    if (!user || !code || form.password !== form.confirmPassword || !PASSWORD_RULE.test(form.password ?? '')) {
      return this.send(res, 200, { error: { message: 'auth.reset.invalid.argument' } });
    }
    code.used = true;
    user.password = form.password;
    this.redirect(res, '/auth/login');
  }

  private token(req: IncomingMessage, res: ServerResponse, form: Record<string, string>): void {
    const basic = Buffer.from(`${ENTCORE_CLIENT.id}:${ENTCORE_CLIENT.secret}`).toString('base64');
    if (req.headers.authorization !== `Basic ${basic}`) return this.send(res, 401, { error: 'invalid_client' });
    const kind = form.grant_type === 'authorization_code' ? 'code' : form.grant_type === 'refresh_token' ? 'refresh' : null;
    const presented = kind === 'code' ? form.code : form.refresh_token;
    const token = kind && presented ? this.tokens.get(presented) : undefined;
    if (!token || token.kind !== kind || token.used || token.expiresAt <= this.now() || (kind === 'code' && token.redirectUri !== form.redirect_uri) || this.users.get(token.userId)!.blocked) {
      return this.send(res, 400, { error: 'invalid_grant' });
    }
    token.used = true;
    const access = this.issue({ userId: token.userId, kind: 'access', expiresAt: this.now() + HOUR });
    const refresh = this.issue({ userId: token.userId, kind: 'refresh', expiresAt: this.now() + 30 * 24 * HOUR });
    this.send(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 3600, refresh_token: refresh, scope: 'userinfo auth directory admin' });
  }

  private bearer(req: IncomingMessage): User | null {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? this.tokens.get(header.slice(7)) : undefined;
    if (!token || token.kind !== 'access' || token.expiresAt <= this.now()) return null;
    const user = this.users.get(token.userId)!;
    // Blocking ends the user's sessions.
    return user.blocked ? null : user;
  }

  /** The session as userinfo v2.1 returns it: functions keyed by code. */
  private session(user: User) {
    return {
      userId: user.id,
      login: user.login,
      username: `${user.firstName} ${user.lastName}`,
      firstName: user.firstName,
      lastName: user.lastName,
      type: user.profile,
      structures: user.structures,
      classes: user.classes,
      functions: Object.fromEntries(user.functions.map((f) => [f.code, { code: f.code, scope: f.code === 'SUPER_ADMIN' ? null : f.scope }])),
      childrenIds: user.children,
      federated: false,
    };
  }

  // ---- account routes -----------------------------------------------------------------

  private renewalCode(res: ServerResponse, caller: User, login: string | undefined): void {
    if (!login) return this.send(res, 400, { error: 'login required' });
    const target = this.byLogin(login);
    if (!target || !this.mayGenerate(caller, target)) return this.send(res, 401, {});
    if (target.activationCode !== null) return this.send(res, 400, { error: 'not.activated' });
    this.send(res, 200, { renewalCode: this.newCode(target) });
  }

  private block(res: ServerResponse, caller: User, userId: string, body: Record<string, unknown>): void {
    const target = this.users.get(userId);
    if (!target || !this.mayBlock(caller, target)) return this.send(res, 401, {});
    target.blocked = body.block !== false;
    if (target.blocked) for (const [key, token] of this.tokens) if (token.userId === target.id) this.tokens.delete(key);
    res.writeHead(200).end();
  }

  private adminList(res: ServerResponse, caller: User, q: URLSearchParams): void {
    const term = (q.get('searchTerm') ?? '').toLowerCase();
    const type = q.get('searchType') ?? 'displayName';
    const structureId = q.get('structureId');
    const rows = [...this.users.values()]
      .filter((u) => this.maySee(caller, u))
      .filter((u) => !structureId || u.structures.includes(structureId))
      .filter((u) => !term || (type === 'login' ? u.login.toLowerCase().includes(term) : term.split(/\s+/).every((w) => `${u.firstName} ${u.lastName}`.toLowerCase().includes(w))))
      .map((u) => this.listRow(u));
    this.send(res, 200, rows);
  }

  private blockTraces(res: ServerResponse, caller: User, structureId: string): void {
    if (!this.isSuperAdmin(caller) && !this.isAdmlOf(caller, structureId)) return this.send(res, 401, {});
    this.send(res, 200, this.traces.filter((t) => t.structureId === structureId).map((t) => ({ ...t, created: { $date: t.created } })));
  }

  private passwordChannels(res: ServerResponse, login: string): void {
    const user = this.byLogin(login);
    if (!user) return this.send(res, 400, { error: 'no.match' });
    if (user.activationCode !== null) return this.send(res, 400, { error: 'not.activated' });
    if (!user.email && !user.mobile) return this.send(res, 400, { error: 'no.match' });
    this.send(res, 200, { mail: user.email ? obfuscateMail(user.email) : '', mobile: user.mobile ? obfuscateMobile(user.mobile) : '' });
  }

  private forgotPassword(res: ServerResponse, body: Record<string, unknown>): void {
    const login = typeof body.login === 'string' ? body.login : '';
    const service = body.service;
    if (!login || (service !== 'mail' && service !== 'mobile')) return this.send(res, 400, { error: 'invalid.login' });
    const user = this.byLogin(login);
    if (!user) return this.send(res, 400, { error: 'no.match' });
    if (user.activationCode !== null) return this.send(res, 400, { error: 'not.activated' });
    const to = service === 'mail' ? user.email : user.mobile;
    if (!to) return this.send(res, 400, { error: 'invalid.service' });
    this.sent.push({ service, to, code: this.newCode(user) });
    this.send(res, 200, {});
  }

  // ---- rights (entcore's filters) ----------------------------------------------------

  private isSuperAdmin(u: User): boolean {
    return u.functions.some((f) => f.code === 'SUPER_ADMIN');
  }

  private isAdmlOf(u: User, structureId: string): boolean {
    return u.functions.some((f) => f.code === 'ADMIN_LOCAL' && f.scope.includes(structureId));
  }

  private administers(actor: User, target: User): boolean {
    return this.isSuperAdmin(actor) || target.structures.some((s) => this.isAdmlOf(actor, s));
  }

  private teaches(actor: User, target: User): boolean {
    return (actor.profile === 'Teacher' || actor.profile === 'Personnel') && target.classes.some((c) => actor.classes.includes(c));
  }

  private maySee(actor: User, target: User): boolean {
    return actor.id === target.id || this.isSuperAdmin(actor) || target.structures.some((s) => actor.structures.includes(s));
  }

  private mayGenerate(actor: User, target: User): boolean {
    if (this.isSuperAdmin(target) && !this.isSuperAdmin(actor)) return false;
    return this.administers(actor, target) || this.teaches(actor, target);
  }

  private mayBlock(actor: User, target: User): boolean {
    if (this.isSuperAdmin(target) && !this.isSuperAdmin(actor)) return false;
    return this.administers(actor, target);
  }

  // ---- helpers ------------------------------------------------------------------------

  private listRow(u: User) {
    const structureName = (id: string) => this.structures.get(id)?.name ?? id;
    const className = (id: string) => [...this.structures.values()].map((s) => s.classes.get(id)).find(Boolean) ?? id;
    const person = (x: User) => ({ id: x.id, firstName: x.firstName, lastName: x.lastName });
    return {
      id: u.id,
      type: u.profile,
      login: u.login,
      originalLogin: u.login,
      firstName: u.firstName,
      lastName: u.lastName,
      displayName: `${u.firstName} ${u.lastName}`,
      source: u.source,
      blocked: u.blocked,
      code: u.activationCode,
      lastLogin: null,
      email: u.email,
      structures: u.structures.map((id) => ({ id, name: structureName(id) })),
      allClasses: u.classes.map((id) => ({ id, name: className(id) })),
      functions: u.functions.map((f) => [f.code, f.scope]),
      parents: [...this.users.values()].filter((p) => p.children.includes(u.id)).map(person),
      children: u.children.map((id) => this.users.get(id)).filter((c): c is User => c !== undefined).map(person),
    };
  }

  private newCode(user: User): string {
    for (const c of this.codes) if (c.userId === user.id) c.used = true;
    const code = randomBytes(6).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, 'x').slice(0, 8);
    this.codes.push({ userId: user.id, code, expiresAt: this.now() + 24 * HOUR, used: false });
    return code;
  }

  private liveCode(userId: string, code: string): Code | undefined {
    return this.codes.find((c) => c.userId === userId && c.code === code && !c.used && c.expiresAt > this.now());
  }

  private issue(token: Token): string {
    const value = `${token.kind}-${randomUUID()}`;
    this.tokens.set(value, token);
    return value;
  }

  private cookieSession(req: IncomingMessage): Token | null {
    const cookie = /oneSessionId=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const token = cookie ? this.tokens.get(cookie) : undefined;
    return token && token.kind === 'session' && token.expiresAt > this.now() ? token : null;
  }

  private loginPage(res: ServerResponse, status: number, callBack: string, failed = false): void {
    this.html(res, status, `${failed ? '<p class="error">auth.error.authenticationFailed</p>' : ''}<form method="post" action="/auth/login"><input name="email"><input name="password" type="password"><input type="hidden" name="callBack" value="${encodeURIComponent(callBack)}"></form>`);
  }

  private redirect(res: ServerResponse, location: string): void {
    res.writeHead(302, { location }).end();
  }

  private html(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(`<html><body>${body}</body></html>`);
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

function obfuscateMail(mail: string): string {
  const [local, domain] = mail.split('@');
  return `${local.slice(0, 1)}...@${domain}`;
}

function obfuscateMobile(mobile: string): string {
  return `${mobile.slice(0, 2)}******${mobile.slice(-2)}`;
}
