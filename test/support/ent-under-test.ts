import { readDemoEnt } from '../../src/ent/sandbox/sandbox-demo-data';
import { ChatIdentity } from '../../src/admin-actions/actor';
import { Clock } from '../../src/common/clock';
import { ENTCORE_CLIENT, EntcoreServer } from './entcore-server';
import { TestApp } from './test-app';

export type EntKind = 'sandbox' | 'entcore';
export const ENT_KINDS: EntKind[] = ['sandbox', 'entcore'];
export const DEMO_PASSWORD = readDemoEnt().password;
/** A fixed key for tests (32 bytes in base64). */
export const TEST_TOKEN_KEY = Buffer.alloc(32, 7).toString('base64');

export type LoginResult =
  | { kind: 'logged_in' }
  | { kind: 'refused' }
  | { kind: 'activation' }
  | { kind: 'reset'; choose: (password: string, confirmation?: string) => Promise<'done' | 'rejected'> };

/**
 * The ENT a test runs against, driven the way a browser drives it: the sandbox
 * pages of the app under test, or the entcore stand-in on its own port.
 */
export class EntUnderTest {
  private app: TestApp | null = null;

  private constructor(
    readonly kind: EntKind,
    readonly server: EntcoreServer | null,
  ) {}

  static async start(kind: EntKind, clock: Clock = new Clock()): Promise<EntUnderTest> {
    return new EntUnderTest(kind, kind === 'entcore' ? await EntcoreServer.start(() => clock.now().getTime()) : null);
  }

  /** What the app's environment needs to use this ENT. */
  env(): NodeJS.ProcessEnv {
    if (!this.server) return { ENT_ADAPTER: 'sandbox', ENT_TOKEN_KEY: TEST_TOKEN_KEY };
    return { ENT_ADAPTER: 'entcore', ENT_URL: this.server.url, ENT_CLIENT_ID: ENTCORE_CLIENT.id, ENT_CLIENT_SECRET: ENTCORE_CLIENT.secret, ENT_TOKEN_KEY: TEST_TOKEN_KEY };
  }

  attach(app: TestApp): void {
    this.app = app;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  /** The ENT's login form with a password, an activation code or a renewal/reset code. */
  async login(login: string, password: string): Promise<LoginResult> {
    if (this.server) {
      const res = await fetch(`${this.server.url}/auth/login`, { method: 'POST', body: new URLSearchParams({ email: login, password, callBack: '/' }), redirect: 'manual' });
      const location = res.headers.get('location') ?? '';
      if (res.status === 302 && location.startsWith('/auth/reset/')) {
        const resetCode = location.split('?')[0].split('/').pop()!;
        return {
          kind: 'reset',
          choose: async (pw, confirmation = pw) => {
            const r = await fetch(`${this.server!.url}/auth/reset`, { method: 'POST', body: new URLSearchParams({ login, resetCode, password: pw, confirmPassword: confirmation }), redirect: 'manual' });
            return r.status === 302 ? 'done' : 'rejected';
          },
        };
      }
      if (res.status === 302) return { kind: 'logged_in' };
      const html = await res.text();
      return html.includes('activation.html') ? { kind: 'activation' } : { kind: 'refused' };
    }
    const res = await this.http().post('/sandbox-ent/auth/login').type('form').send({ login, password });
    if (res.status === 401) return { kind: 'refused' };
    const ticket = /name="ticket" value="([^"]+)"/.exec(res.text)?.[1];
    if (ticket && res.text.includes('action="/sandbox-ent/auth/reset"')) {
      return {
        kind: 'reset',
        choose: async (pw, confirmation = pw) => {
          const r = await this.http().post('/sandbox-ent/auth/reset').type('form').send({ ticket, login, password: pw, confirmPassword: confirmation });
          return r.status === 200 ? 'done' : 'rejected';
        },
      };
    }
    if (ticket) return { kind: 'activation' };
    return res.status === 200 ? { kind: 'logged_in' } : { kind: 'refused' };
  }

  /** Follows an authorization URL as a browser: logs in on the ENT's page; returns where the ENT redirects (Relais's callback with the code). */
  async authorize(authorizationUrl: string, login: string, password = DEMO_PASSWORD): Promise<string> {
    if (this.server) {
      const page = await fetch(authorizationUrl, { redirect: 'manual' });
      if (page.status !== 200) throw new Error(`authorize page answered ${page.status}`);
      const callBack = /name="callBack" value="([^"]+)"/.exec(await page.text())![1];
      const res = await fetch(`${this.server.url}/auth/login`, { method: 'POST', body: new URLSearchParams({ email: login, password, callBack }), redirect: 'manual' });
      const cookie = res.headers.get('set-cookie');
      if (res.status !== 302 || !cookie) throw new Error(`login as ${login} refused`);
      const back = await fetch(`${this.server.url}${res.headers.get('location')}`, { headers: { cookie: cookie.split(';')[0] }, redirect: 'manual' });
      return back.headers.get('location')!;
    }
    const page = await this.http().get(pathOf(authorizationUrl));
    if (page.status !== 200) throw new Error(`authorize page answered ${page.status}`);
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.text)?.[1] ?? '';
    const res = await this.http()
      .post('/sandbox-ent/auth/login')
      .type('form')
      .send({ login, password, client_id: unescapeHtml(field('client_id')), redirect_uri: unescapeHtml(field('redirect_uri')), state: unescapeHtml(field('state')) });
    if (res.status !== 302) throw new Error(`login as ${login} refused (${res.status})`);
    return res.headers.location;
  }

  /** The codes the ENT sent by mail or SMS to that address, read once. */
  async mailbox(address: string): Promise<string[]> {
    if (this.server) {
      const sent = this.server.sent.filter((m) => m.to === address);
      this.server.sent.splice(0, this.server.sent.length, ...this.server.sent.filter((m) => m.to !== address));
      return sent.map((m) => m.code);
    }
    const res = await this.http().post('/sandbox-ent/mailbox').type('form').send({ address });
    return [...res.text.matchAll(/<code>([a-z0-9]{8})<\/code>/g)].map((m) => m[1]);
  }

  /** How many times the ENT was asked for renewal codes (entcore stand-in only: the sandbox is in-process). */
  renewalCalls(): number | null {
    return this.server ? this.server.calls.filter((c) => c === 'POST /auth/generatePasswordRenewalCode').length : null;
  }

  /** Links a chat identity the way a person does: the one-time link, the ENT's login page, back to Relais. */
  async link(linkerKey: string, identity: ChatIdentity, login: string, password = DEMO_PASSWORD): Promise<void> {
    const offer = await this.http().post('/api/v1/accounts/links').set('Authorization', linkerKey).send({ identity });
    if (offer.status !== 201) throw new Error(`link offer answered ${offer.status} ${JSON.stringify(offer.body)}`);
    const start = await this.http().get(pathOf(offer.body.url));
    if (start.status !== 302) throw new Error(`link start answered ${start.status}`);
    const callback = await this.authorize(start.headers.location, login, password);
    const done = await this.http().get(pathOf(callback));
    if (done.status !== 200) throw new Error(`link callback answered ${done.status}: ${done.text}`);
  }

  private http() {
    if (!this.app) throw new Error('attach the app first');
    return this.app.http;
  }
}

/** Relais's own URLs use PUBLIC_URL; tests call the app in-process, so only the path and query matter. */
export function pathOf(url: string): string {
  const u = new URL(url, 'http://relative');
  return `${u.pathname}${u.search}`;
}

function unescapeHtml(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x60;/g, '`');
}
