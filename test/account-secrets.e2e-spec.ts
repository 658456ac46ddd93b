import { IncomingMessage, ServerResponse } from 'node:http';
import { DataSource } from 'typeorm';
import { AccountsClient, linkEveryone } from './support/account-actors';
import { ENT_KINDS, EntKind, EntUnderTest } from './support/ent-under-test';
import { TestApp, TestStore } from './support/test-app';

/** Everything the process writes (logs at debug level, errors) and every HTTP response it sends, as text. */
class Capture {
  readonly lines: string[] = [];
  readonly responses: { path: string; body: string }[] = [];
  private restore: (() => void)[] = [];

  start(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        // One write may carry several log lines (the logger batches a turn's lines).
        const lines = (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()).split('\n').filter(Boolean);
        this.lines.push(...lines);
        // The service's own JSON lines are kept, not echoed (debug level is verbose); the test runner's output passes.
        const others = lines.filter((l) => !l.startsWith('{"time"'));
        return others.length ? (original as (c: string, ...r: unknown[]) => boolean)(others.join('\n') + '\n', ...rest) : true;
      }) as typeof stream.write;
      this.restore.push(() => (stream.write = original));
    }
  }

  /** Hooks the app's HTTP server before express sees the request, so every byte written back is kept. */
  watch(t: TestApp): void {
    t.app.getHttpServer().prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      const write = res.write.bind(res);
      const end = res.end.bind(res);
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        if (chunk) chunks.push(Buffer.from(chunk as string));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof res.write;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
        this.responses.push({ path: (req.url ?? '').split('?')[0], body: Buffer.concat(chunks).toString() + JSON.stringify(res.getHeaders()) });
        return (end as (...a: unknown[]) => ServerResponse)(chunk, ...rest);
      }) as typeof res.end;
    });
  }

  stop(): void {
    for (const undo of this.restore.splice(0)) undo();
  }

  responsesWith(secret: string): string[] {
    return this.responses.filter((r) => r.body.includes(secret)).map((r) => r.path);
  }

  logLinesWith(secret: string): string[] {
    return this.lines.filter((l) => l.includes(secret));
  }
}

/** Every row of every table, as text: where a secret kept in clear would show. */
async function databaseText(t: TestApp): Promise<string> {
  const db = t.app.get(DataSource);
  const tables = (await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)) as { tablename: string }[];
  const parts: string[] = [];
  for (const { tablename } of tables) parts.push(JSON.stringify(await db.query(`SELECT * FROM "${tablename}"`)));
  return parts.join('\n');
}

/**
 * With every log line, notification and HTTP response captured: a renewal code
 * appears in the one answer to the person entitled to it, and nowhere else —
 * not in logs, not in the approver notices, not in the requester's answers,
 * not in the database. The ENT's own reset code never passes through Relais.
 */
describe.each(ENT_KINDS)('secrets of account actions (%s)', (kind: EntKind) => {
  const capture = new Capture();
  let ent: EntUnderTest;
  let store: TestStore;
  let t: TestApp;
  let api: AccountsClient;

  beforeAll(async () => {
    capture.start();
    ent = await EntUnderTest.start(kind);
    store = await TestStore.create({ ...ent.env(), LOG_LEVEL: 'debug' });
    t = await TestApp.start(store);
    capture.watch(t);
    ent.attach(t);
    api = new AccountsClient(t, await t.apiKey(['accounts:act', 'act_as']));
    await linkEveryone(ent, await t.apiKey(['accounts:link']), ['claire', 'julien', 'tom', 'lea']);
  });
  afterAll(async () => {
    capture.stop();
    await t?.close();
    await store?.destroy();
    await ent?.close();
  });

  it('shows a renewal code once, to the actor, and keeps it nowhere', async () => {
    const done = await api.perform('claire', { action: 'renewal_code', target: { login: 'tom.girard' } });
    const code = done.body.renewalCode as string;
    expect(code).toMatch(/^[a-z0-9]{8}$/);
    await new Promise((r) => setTimeout(r, 50)); // buffered log lines leave on the next turn
    expect(capture.responsesWith(code)).toEqual(['/api/v1/accounts/actions/confirm']);
    expect(capture.logLinesWith(code)).toEqual([]);
    expect(capture.lines.some((l) => l.includes('"http.request"'))).toBe(true);
    expect(await databaseText(t)).not.toContain(code);
  });

  it('gives an approved code to the approver only: not to the requester, not in the approvers’ notices', async () => {
    const requested = await api.perform('lea', { action: 'self_reset' });
    const id = requested.body.approvalId as string;
    await new Promise((r) => setTimeout(r, 50));
    const notices = capture.lines.filter((l) => l.includes('accounts.approval_requested') && l.includes(id));
    expect(notices).toHaveLength(1);
    expect(JSON.parse(notices[0]).approvers).toEqual(expect.arrayContaining(['demo-teacher-jm', 'demo-director-jm']));

    const approved = await api.perform('julien', { action: 'approve', approvalId: id });
    const code = approved.body.renewalCode as string;
    expect(code).toMatch(/^[a-z0-9]{8}$/);
    await new Promise((r) => setTimeout(r, 50));
    expect(capture.responsesWith(code)).toEqual(['/api/v1/accounts/actions/confirm']);
    expect(capture.logLinesWith(code)).toEqual([]);
    expect(capture.lines.filter((l) => l.includes('accounts.approval_decided') && l.includes(id))).toHaveLength(1);
    expect(await databaseText(t)).not.toContain(code);
  });

  it('never sees the ENT’s own reset code, which reaches only the channel on file', async () => {
    const sent = await api.perform('tom', { action: 'self_reset' }, 'mail');
    expect(sent.status).toBe(200);
    const [code] = await ent.mailbox('tom.girard@exemple.fr');
    expect(code).toMatch(/^[a-z0-9]{8}$/);
    await new Promise((r) => setTimeout(r, 50));
    // On the embedded default the sandbox's stand-in mailbox is the one place that shows it.
    expect(capture.responsesWith(code)).toEqual(kind === 'sandbox' ? ['/sandbox-ent/mailbox'] : []);
    expect(capture.logLinesWith(code)).toEqual([]);
    expect(await databaseText(t)).not.toContain(code);
  });

  it('keeps ENT tokens, link tokens and confirmations out of logs and out of the database in clear', async () => {
    const preview = await api.preview('claire', { action: 'renewal_code', target: { login: 'paul.durand' } });
    const confirmation = preview.body.confirmation.token as string;
    const offer = await t.http.post('/api/v1/accounts/links').set('Authorization', await t.apiKey(['accounts:link'])).send({ identity: { channel: 'slack', externalId: 'T0DEMO:USECRET' } });
    const linkToken = new URL(offer.body.url).searchParams.get('token')!;
    await new Promise((r) => setTimeout(r, 50));
    const db = await databaseText(t);
    for (const secret of [confirmation, linkToken]) {
      expect(capture.logLinesWith(secret)).toEqual([]);
      expect(db).not.toContain(secret);
    }
    if (ent.server) {
      const tokens = ent.server.issuedTokens();
      expect(tokens.length).toBeGreaterThan(4);
      for (const token of tokens) {
        expect(capture.logLinesWith(token)).toEqual([]);
        expect(capture.responsesWith(token)).toEqual([]);
        expect(db).not.toContain(token);
      }
    }
  });
});
