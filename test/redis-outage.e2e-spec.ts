import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { signRelaisRequest } from '../src/common/relais-signature';
import { DEFAULT_ROUTING_RULES_FILE } from '../src/routing/routing-rules';
import { createTicket, PEOPLE } from './factories/ticket.factory';
import { eventually, HttpTarget } from './support/http-target';
import { RedisServer } from './support/redis-server';
import { DRIVERS, TEST_ENT_SECRET, TestApp, TestStore } from './support/test-app';

/** The pupils' tier with deadlines of seconds, so they pass during the test. */
function rulesFile(dir: string): string {
  const rules = parse(readFileSync(DEFAULT_ROUTING_RULES_FILE, 'utf8'));
  rules.sla.remindAt = 0.5;
  rules.sla.workingHours = { ...rules.sla.workingHours, days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' };
  rules.sla.holidays = [];
  rules.sla.policies.school_admin.mineur = { firstResponse: '8s', resolution: '1h' };
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, stringify(rules));
  return file;
}

/**
 * Redis stops in the middle of the day and comes back empty (issue 12): the
 * service keeps answering at once, says it is degraded, and every deadline and
 * notification of the tickets made before and during the outage still happens, once.
 * Needs a Redis of its own to kill: on the Bull driver only.
 */
(DRIVERS.queue === 'bull' ? describe : describe.skip)('when Redis fails (bull)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-outage-'));
  let redis: RedisServer;
  let ent: HttpTarget;
  let store: TestStore;
  let t: TestApp;
  let writer: string;
  let backOffice: string;

  beforeAll(async () => {
    redis = await RedisServer.start();
    ent = await HttpTarget.start();
    ent.reply('POST /auth/oauth2/token', { status: 200, body: { access_token: 'ent-token', expires_in: 3600 } });
    ent.reply('PUT /support/ticket/:id', { status: 200 });
    store = await TestStore.create({
      ROUTING_RULES_FILE: rulesFile(dir),
      SLA_SWEEP_SECONDS: '0.3',
      OUTBOX_SWEEP_SECONDS: '0.5',
      OUTBOX_RETRY_BASE_MS: '100',
      ENT_URL: ent.url,
      ENT_CLIENT_ID: 'relais',
      ENT_CLIENT_SECRET: 'ent-client-secret',
    });
    store.env.REDIS_URL = redis.url;
    t = await TestApp.start(store);
    writer = await t.apiKey(['tickets:read', 'tickets:write', 'act_as']);
    backOffice = await t.apiKey(['tickets:read_all']);
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
    await ent?.close();
    await redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const director = { 'X-On-Behalf-Of': PEOPLE.directorJeanMoulin.entUserId };
  const history = async (reference: string) =>
    (await t.http.get(`/api/v1/tickets/${reference}/history`).set('Authorization', backOffice).expect(200)).body.items as { type: string }[];
  const entTicket = async (id: string) => {
    const raw = JSON.stringify({ id, subject: 'Mot de passe', description: "Léa a oublié son mot de passe de l'ENT.", school_id: 'struct-jean-moulin', owner: 'demo-pupil-jm', owner_name: 'Léa Lambert', profile: 'Student', status: 2 });
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await t.http.post('/api/v1/intake/ent/tickets').set('Content-Type', 'application/json')
      .set('X-Relais-Timestamp', String(timestamp)).set('X-Relais-Signature', signRelaisRequest(TEST_ENT_SECRET, timestamp, raw)).send(raw).expect(201);
    return res.body.reference as string;
  };
  const reply = (reference: string, body: string) =>
    t.http.post(`/api/v1/tickets/${reference}/messages`).set('Authorization', writer).set(director).send({ body }).expect(201);
  const putsWith = (text: string) => ent.requests.filter((r) => r.method === 'PUT' && r.status === 200 && JSON.parse(r.body).newComment === text);

  it('answers at once while Redis is down, and every deadline and notification still happens, once', async () => {
    const before = await createTicket(t, writer, { requester: PEOPLE.pupil });
    const fromEnt = await entTicket('ent-outage-1');
    await reply(fromEnt, 'Avant la panne.');
    await eventually(() => putsWith('Avant la panne.').length === 1, 10_000, 'the reply sent to the ENT');

    await redis.kill();
    let started = Date.now();
    const health = await t.http.get('/health');
    expect({ status: health.status, elapsedUnder1s: Date.now() - started < 1_000 }).toEqual({ status: 503, elapsedUnder1s: true });
    expect(health.body).toMatchObject({ status: 'degraded', down: ['queue'], database: { ok: true }, queue: { ok: false } });
    started = Date.now();
    const during = await createTicket(t, writer, { requester: PEOPLE.pupil });
    expect(Date.now() - started).toBeLessThan(1_000);
    await reply(fromEnt, 'Pendant la panne.');
    // Delivered without Redis: the job could not be queued, the sweep sent it.
    await eventually(() => putsWith('Pendant la panne.').length === 1, 10_000, 'the reply sent during the outage');

    await redis.restart(); // empty: no job, no schedule survived
    await reply(fromEnt, 'Après la panne.');
    await eventually(() => putsWith('Après la panne.').length === 1, 10_000, 'the reply sent after the outage');
    expect((await t.http.get('/health')).status).toBe(200);

    // Every deadline of the tickets made before and during the outage: a reminder, then the breach and its escalation.
    for (const reference of [before, during]) {
      const events = await eventually(async () => {
        const items = await history(reference);
        return items.some((e) => e.type === 'escalated') && items;
      }, 20_000, `the escalation of ${reference}`);
      expect(['sla_reminder', 'sla_breached', 'escalated'].map((type) => events.filter((e) => e.type === type).length)).toEqual([1, 1, 1]);
    }
    await new Promise((r) => setTimeout(r, 1_500)); // several sweeps: nothing fires or is sent twice
    for (const text of ['Avant la panne.', 'Pendant la panne.', 'Après la panne.']) expect(putsWith(text)).toHaveLength(1);
    for (const reference of [before, during]) {
      expect((await history(reference)).filter((e) => e.type.startsWith('sla_') || e.type === 'escalated')).toHaveLength(3);
    }
  }, 60_000);
});
