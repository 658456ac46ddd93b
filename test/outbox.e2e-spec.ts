import { DataSource } from 'typeorm';
import { signRelaisRequest } from '../src/common/relais-signature';
import { createTicket, PEOPLE } from './factories/ticket.factory';
import { eventually, HttpTarget } from './support/http-target';
import { createApiKey, ServiceProcess } from './support/service-process';
import { DRIVERS, TEST_ENT_SECRET, TestApp, TestStore } from './support/test-app';

const WEBHOOK_SECRET = 'academic-webhook-secret-0123456789';
const INCIDENTS = 'POST /incidents';

/** school admin → ERUN → academic support: the last step calls the académie's incident tool. */
async function escalateToAcademicSupport(http: { post: (path: string, body: object) => Promise<Response | { status: number }> }, reference: string) {
  for (const who of [PEOPLE.directorJeanMoulin, PEOPLE.erunValFleuri]) {
    const res = await http.post(`/api/v1/tickets/${reference}/escalations`, { reason: `escalade par ${who.displayName}`, who } as object);
    if (res.status !== 200) throw new Error(`escalation by ${who.entUserId} answered ${res.status}`);
  }
}

describe(`notification outbox (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let target: HttpTarget;
  beforeAll(async () => {
    target = await HttpTarget.start();
  });
  afterAll(async () => {
    await target?.close();
  });

  describe('in the running service', () => {
    let store: TestStore;
    let t: TestApp;
    let writer: string;
    let backOffice: string;
    let operator: string;

    beforeAll(async () => {
      store = await TestStore.create({
        ACADEMIC_WEBHOOK_URL: `${target.url}/incidents`,
        ACADEMIC_WEBHOOK_SECRET: WEBHOOK_SECRET,
        ACADEMY_NAME: 'Académie de Démonstration',
        ENT_URL: target.url,
        ENT_CLIENT_ID: 'relais',
        ENT_CLIENT_SECRET: 'ent-client-secret',
        OUTBOX_MAX_ATTEMPTS: '4',
        OUTBOX_RETRY_BASE_MS: '50',
        OUTBOX_SWEEP_SECONDS: '3600',
      });
      t = await TestApp.start(store);
      writer = await t.apiKey(['tickets:read', 'tickets:write', 'act_as']);
      backOffice = await t.apiKey(['tickets:read_all']);
      operator = await t.apiKey(['notifications:manage']);
    });
    afterAll(async () => {
      await t?.close();
      await store?.destroy();
    });

    const http = {
      post: (path: string, body: { who?: { entUserId: string } } & object) => {
        const { who, ...rest } = body;
        return t.http.post(path).set('Authorization', writer).set({ 'X-On-Behalf-Of': who!.entUserId }).send(rest);
      },
    };
    const read = async (reference: string) => (await t.http.get(`/api/v1/tickets/${reference}`).set('Authorization', backOffice).expect(200)).body;
    const incidentsFor = (reference: string) => target.requests.filter((r) => r.path === '/incidents' && JSON.parse(r.body).reference_relais === reference);

    it("writes the history's notifications already delivered, in the relay's own transaction, their texts on the history", async () => {
      const reference = await createTicket(t, writer, { requester: PEOPLE.pupil, subject: 'mot de passe oublié', description: "j'ai oublié mon mot de passe" });
      const { id } = await read(reference);
      const db = t.app.get(DataSource);
      const rowsOf = (): Promise<{ state: string; attempts: number; leased: boolean; same_time: boolean; address: string }[]> =>
        db.query(
          `SELECT state, attempts, leased_until IS NOT NULL AS leased, delivered_at = created_at AS same_time, address_key AS address
             FROM outbox WHERE ticket_id = $1 AND channel = 'history' ORDER BY address_key`,
          [id],
        );
      await eventually(async () => (await rowsOf()).length === 2, 10_000, 'the relay wrote the creation’s notifications');
      // Written delivered at the first attempt, never leased, delivered at the time the relay wrote them.
      expect(await rowsOf()).toEqual([
        { state: 'delivered', attempts: 1, leased: false, same_time: true, address: expect.stringMatching(/^group:/) },
        { state: 'delivered', attempts: 1, leased: false, same_time: true, address: expect.stringMatching(/^requester:/) },
      ]);
      const history = (await t.http.get(`/api/v1/tickets/${reference}/history`).set('Authorization', backOffice).expect(200)).body.items;
      const delivered = history.filter((e: { type: string }) => e.type === 'notification_delivered');
      expect(delivered.map((e: { after: { address: string; text: string } }) => [e.after.address, typeof e.after.text]).sort()).toEqual([
        ['group', 'string'],
        ['requester', 'string'],
      ]);
    });

    it('delivers an escalation exactly once to an incident tool that fails twice, signed, with the pivot fields', async () => {
      target.reply(INCIDENTS, { status: 500 }, { status: 500 }, { status: 200 });
      const reference = await createTicket(t, writer, { requester: PEOPLE.pupil, priority: 'majeur', subject: 'mot de passe oublié', description: "j'ai oublié mon mot de passe" });
      await escalateToAcademicSupport(http, reference);
      await eventually(async () => (await read(reference)).escalationStatus === 'successful', 10_000, 'a successful escalation');
      await new Promise((r) => setTimeout(r, 500)); // any late duplicate would show now

      const calls = incidentsFor(reference);
      expect(calls.map((c) => c.status)).toEqual([500, 500, 200]);
      expect(new Set(calls.map((c) => c.headers['x-relais-delivery'])).size).toBe(1);
      for (const call of calls) {
        const timestamp = Number(call.headers['x-relais-timestamp']);
        expect(call.headers['x-relais-signature']).toBe(signRelaisRequest(WEBHOOK_SECRET, timestamp, call.body));
      }
      expect(JSON.parse(calls[2].body)).toMatchObject({
        id_ent: reference,
        collectivite: '0999001A',
        academie: 'Académie de Démonstration',
        titre: 'mot de passe oublié',
        priorite: 'Majeur',
        statut_ent: 1,
        attribution: 'RECTORAT',
        motif_escalade: expect.stringContaining('escalade par'),
      });
      const history = (await t.http.get(`/api/v1/tickets/${reference}/history`).set('Authorization', backOffice).expect(200)).body.items;
      expect(history.filter((e: { type: string; after: { address?: string } }) => e.type === 'notification_delivered' && e.after.address === 'academy'))
        .toEqual([expect.objectContaining({ after: expect.objectContaining({ channel: 'webhook', attempts: 3 }) })]);
      expect(history.find((e: { type: string }) => e.type === 'escalation_settled')).toMatchObject({
        before: { escalationStatus: 'in_progress' },
        after: { escalationStatus: 'successful' },
      });
    });

    it('keeps what cannot be delivered as a dead letter, marks the escalation failed, and retries on demand', async () => {
      target.reply(INCIDENTS, { status: 503 });
      const reference = await createTicket(t, writer, { requester: PEOPLE.pupil, subject: 'mot de passe oublié', description: "j'ai oublié mon mot de passe" });
      await escalateToAcademicSupport(http, reference);
      await eventually(async () => (await read(reference)).escalationStatus === 'failed', 10_000, 'a failed escalation');
      expect(incidentsFor(reference)).toHaveLength(4);

      await t.http.get('/api/v1/notifications/dead-letters').set('Authorization', writer).expect(403);
      const dead = (await t.http.get('/api/v1/notifications/dead-letters').set('Authorization', operator).expect(200)).body.items;
      const ticketId = (await read(reference)).id;
      const letter = dead.find((d: { ticketId: string }) => d.ticketId === ticketId);
      expect(letter).toMatchObject({ event: 'escalated', address: { kind: 'academy' }, channel: 'webhook', attempts: 4, lastError: expect.stringContaining('HTTP 503') });

      target.reply(INCIDENTS, { status: 200 });
      await t.http.post(`/api/v1/notifications/dead-letters/${letter.id}/retry`).set('Authorization', operator).expect(202);
      await t.http.post(`/api/v1/notifications/dead-letters/${letter.id}/retry`).set('Authorization', operator).expect(404);
      await eventually(async () => (await read(reference)).escalationStatus === 'successful', 10_000, 'the retried escalation');
      expect(incidentsFor(reference).filter((c) => c.status === 200)).toHaveLength(1);
    });

    it('sends status and comments back to the ENT for tickets that came from it, and only those', async () => {
      target.reply('POST /auth/oauth2/token', { status: 200, body: { access_token: 'ent-token-1', token_type: 'Bearer', expires_in: 3600 } });
      target.reply('PUT /support/ticket/:id', { status: 200 });
      const raw = JSON.stringify({
        id: 'ent-7001', subject: 'Mot de passe élève', description: "Léa a oublié son mot de passe de l'ENT.", school_id: 'struct-jean-moulin',
        owner: 'demo-pupil-jm', owner_name: 'Léa Lambert', profile: 'Student', status: 1, comments: [],
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const intake = await t.http.post('/api/v1/intake/ent/tickets').set('Content-Type', 'application/json')
        .set('X-Relais-Timestamp', String(timestamp)).set('X-Relais-Signature', signRelaisRequest(TEST_ENT_SECRET, timestamp, raw)).send(raw).expect(201);
      const reference = intake.body.reference;
      const director = { 'X-On-Behalf-Of': PEOPLE.directorJeanMoulin.entUserId };
      const puts = () => target.requests.filter((r) => r.method === 'PUT' && r.path === '/support/ticket/ent-7001');
      await t.http.post(`/api/v1/tickets/${reference}/messages`).set('Authorization', writer).set(director).send({ body: 'Voici un nouveau code de renouvellement : demande-le à ta maîtresse.' }).expect(201);
      await t.http.post(`/api/v1/tickets/${reference}/messages`).set('Authorization', writer).set(director).send({ body: 'note interne', visibility: 'internal' }).expect(201);
      // The ENT gets the ticket's status as it is when the update leaves: wait for the answer's before resolving.
      await eventually(() => puts().length >= 1, 10_000, 'the answer sent to the ENT');
      await t.http.post(`/api/v1/tickets/${reference}/transitions`).set('Authorization', writer).set(director).send({ action: 'resolve' }).expect(200);

      const updates = await eventually(() => puts().length >= 2 && puts(), 10_000, 'the ENT updates');
      await new Promise((r) => setTimeout(r, 300));
      const bodies = target.requests.filter((r) => r.path === '/support/ticket/ent-7001').map((r) => JSON.parse(r.body));
      // The public answer (opening the ticket) and the resolution; never the internal note.
      expect(bodies).toEqual([
        { status: 2, newComment: 'Voici un nouveau code de renouvellement : demande-le à ta maîtresse.' },
        { status: 3, newComment: expect.stringContaining(`Votre demande ${reference} est résolue`) },
      ]);
      expect(updates[0].headers.authorization).toBe('Bearer ent-token-1');
      const token = target.requests.find((r) => r.path === '/auth/oauth2/token')!;
      expect(token.headers.authorization).toBe(`Basic ${Buffer.from('relais:ent-client-secret').toString('base64')}`);
      expect(new URLSearchParams(token.body).get('grant_type')).toBe('client_credentials');
      // A ticket made in the chat box is not sent to the ENT.
      const before = target.requests.length;
      const other = await createTicket(t, writer, { requester: PEOPLE.pupil });
      await t.http.post(`/api/v1/tickets/${other}/transitions`).set('Authorization', writer).set(director).send({ action: 'resolve' }).expect(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(target.requests.slice(before).filter((r) => r.path.startsWith('/support'))).toEqual([]);
    });

    it('records nothing, so tells nobody, of a change that fails', async () => {
      const db = t.app.get(DataSource);
      const reference = await createTicket(t, writer, { requester: PEOPLE.pupil });
      const count = async () =>
        (await db.query(
          `SELECT (SELECT count(*) FROM outbox o JOIN tickets t ON t.id = o.ticket_id WHERE t.reference = $1)::int AS notifications,
                  (SELECT count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.reference = $1)::int AS events`,
          [reference],
        ))[0];
      const before = await eventually(async () => {
        const c = await count();
        return c.notifications === 2 && c;
      }, 10_000, 'the creation told');
      await t.http.post(`/api/v1/tickets/${reference}/transitions`).set('Authorization', writer).set({ 'X-On-Behalf-Of': PEOPLE.directorJeanMoulin.entUserId }).send({ action: 'reopen' }).expect(409);
      await new Promise((r) => setTimeout(r, 300));
      expect(await count()).toEqual(before);
    });
  });

  describe('across a crash', () => {
    let store: TestStore;
    let service: ServiceProcess | null = null;
    afterAll(async () => {
      await service?.kill();
      await store?.destroy();
    });

    it('delivers after a restart what was committed but not delivered, once', async () => {
      store = await TestStore.create({
        ACADEMIC_WEBHOOK_URL: `${target.url}/crash-incidents`,
        ACADEMIC_WEBHOOK_SECRET: WEBHOOK_SECRET,
        OUTBOX_LEASE_SECONDS: '1',
        OUTBOX_SWEEP_SECONDS: '0.5',
        OUTBOX_RETRY_BASE_MS: '100',
      });
      const key = createApiKey(store.env);
      service = await ServiceProcess.start(store.env);
      const url = service.url;
      const call = (path: string, body: object, who: { entUserId: string }) =>
        fetch(`${url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'X-On-Behalf-Of': who.entUserId }, body: JSON.stringify(body) });
      // The incident tool takes the request and never answers: the service dies while delivering.
      target.reply('POST /crash-incidents', 'hang');
      const created = await call('/api/v1/tickets', { subject: 'mot de passe oublié', description: "j'ai oublié mon mot de passe", requester: PEOPLE.pupil, school: { structureId: 'struct-jean-moulin' } }, PEOPLE.pupil);
      const { reference } = (await created.json()) as { reference: string };
      await escalateToAcademicSupport({ post: (path, body) => { const { who, ...rest } = body as { who: { entUserId: string } }; return call(path, rest, who); } }, reference);
      await eventually(() => target.hung >= 1, 10_000, 'the delivery in flight');
      await service.kill();

      target.reply('POST /crash-incidents', { status: 200 });
      service = await ServiceProcess.start(store.env);
      const accepted = () => target.requests.filter((r) => r.path === '/crash-incidents' && r.status === 200);
      await eventually(() => accepted().length >= 1, 15_000, 'the delivery after restart');
      await new Promise((r) => setTimeout(r, 2_500)); // several sweeps and lease periods: no second delivery
      expect(accepted()).toHaveLength(1);
      expect(JSON.parse(accepted()[0].body).reference_relais).toBe(reference);
      const ticket = (await (await fetch(`${service.url}/api/v1/tickets/${reference}`, { headers: { Authorization: `Bearer ${key}` } })).json()) as { escalationStatus: string };
      expect(ticket.escalationStatus).toBe('successful');
    }, 60_000);
  });
});
