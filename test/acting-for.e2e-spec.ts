import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTicket, JEAN_MOULIN, PEOPLE, SIMONE_VEIL, ticketBody } from './factories/ticket.factory';
import { ROOT } from './support/service-process';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

/** Nobody acts for someone else without the right to (issue 12): act_as keys, their limits, personal keys. */
describe(`acting for someone (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let store: TestStore;
  let t: TestApp;
  let integration: string;
  let jeanMoulinOnly: string;
  let plain: string;
  let jeanMoulinTicket: string;
  let simoneVeilTicket: string;

  beforeAll(async () => {
    store = await TestStore.create();
    t = await TestApp.start(store);
    integration = await t.apiKey(['tickets:read', 'tickets:write', 'act_as'], 'ENT integration');
    jeanMoulinOnly = await t.apiKey(['tickets:read', 'tickets:write', 'act_as'], 'Jean-Moulin chat box', { actAsWithin: { kind: 'school', id: JEAN_MOULIN.structureId } });
    plain = await t.apiKey(['tickets:read', 'tickets:write'], 'no act_as');
    jeanMoulinTicket = await createTicket(t, integration, { requester: PEOPLE.parent });
    simoneVeilTicket = await createTicket(t, integration, { requester: PEOPLE.adminSimoneVeil, school: { uai: SIMONE_VEIL.uai } });
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
  });

  const as = (person: { entUserId: string }) => ({ 'X-On-Behalf-Of': person.entUserId });
  const list = async (key: string, person: { entUserId: string }) =>
    ((await t.http.get('/api/v1/tickets?pageSize=100').set('Authorization', key).set(as(person)).expect(200)).body.items as { reference: string }[]).map((i) => i.reference);

  describe('without act_as', () => {
    it('refuses X-On-Behalf-Of with 403, whatever the route, and changes nothing', async () => {
      const read = await t.http.get(`/api/v1/tickets/${jeanMoulinTicket}`).set('Authorization', plain).set(as(PEOPLE.directorJeanMoulin)).expect(403);
      expect(read.body).toMatchObject({ code: 'FORBIDDEN_SCOPE', message: expect.stringContaining('act_as') });
      await t.http.post(`/api/v1/tickets/${jeanMoulinTicket}/transitions`).set('Authorization', plain).set(as(PEOPLE.directorJeanMoulin)).send({ action: 'resolve' }).expect(403);
      await t.http.post('/api/v1/tickets').set('Authorization', plain).set(as(PEOPLE.parent)).send(ticketBody()).expect(403);
      const ticket = (await t.http.get(`/api/v1/tickets/${jeanMoulinTicket}`).set('Authorization', integration).set(as(PEOPLE.parent)).expect(200)).body;
      expect(ticket.status).toBe('new');
    });

    it('acts for nobody: a change needs someone to make it', async () => {
      const res = await t.http.post('/api/v1/tickets').set('Authorization', plain).send(ticketBody()).expect(400);
      expect(res.body.code).toBe('ACTOR_REQUIRED');
    });
  });

  describe('an act_as key limited to one school', () => {
    it("reads only that school's tickets, even for someone who sees the whole académie", async () => {
      expect(await list(integration, { entUserId: 'demo-ssu-agent' })).toEqual(expect.arrayContaining([jeanMoulinTicket, simoneVeilTicket]));
      const limited = await list(jeanMoulinOnly, { entUserId: 'demo-ssu-agent' });
      expect(limited).toContain(jeanMoulinTicket);
      expect(limited).not.toContain(simoneVeilTicket);
      await t.http.get(`/api/v1/tickets/${simoneVeilTicket}`).set('Authorization', jeanMoulinOnly).set(as({ entUserId: 'demo-ssu-agent' })).expect(404);
    });

    it("refuses to act for another school's staff (403), and changes nothing of that school's tickets", async () => {
      const refused = await t.http.post(`/api/v1/tickets/${simoneVeilTicket}/forward`).set('Authorization', jeanMoulinOnly).set(as(PEOPLE.adminSimoneVeil)).send({ reason: 'Erreur sur le blog' }).expect(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN_SCOPE', message: expect.stringContaining('outside its limit') });
      await t.http.post(`/api/v1/tickets/${simoneVeilTicket}/transitions`).set('Authorization', jeanMoulinOnly).set(as(PEOPLE.adminSimoneVeil)).send({ action: 'resolve' }).expect(403);
      await t.http.get(`/api/v1/tickets?pageSize=100`).set('Authorization', jeanMoulinOnly).set(as(PEOPLE.adminSimoneVeil)).expect(403);
      // Someone whose school the key covers, acting on a ticket outside it: not found, as for anyone who may not see it.
      await t.http.post(`/api/v1/tickets/${simoneVeilTicket}/transitions`).set('Authorization', jeanMoulinOnly).set(as(PEOPLE.directorJeanMoulin)).send({ action: 'resolve' }).expect(404);
      // The same person through an unlimited key: allowed, as their roles say.
      await t.http.post(`/api/v1/tickets/${simoneVeilTicket}/transitions`).set('Authorization', integration).set(as(PEOPLE.adminSimoneVeil)).send({ action: 'claim' }).expect(200);
    });

    it('creates tickets for that school only', async () => {
      await t.http.post('/api/v1/tickets').set('Authorization', jeanMoulinOnly).set(as(PEOPLE.parent)).send(ticketBody()).expect(201);
      const res = await t.http
        .post('/api/v1/tickets')
        .set('Authorization', jeanMoulinOnly)
        .set(as(PEOPLE.parent))
        .send(ticketBody({ school: { uai: SIMONE_VEIL.uai } }))
        .expect(403);
      expect(res.body.code).toBe('TICKET_FORBIDDEN_ACTION');
    });
  });

  describe("asking on someone else's behalf", () => {
    it("is for the school's staff: a parent may not open a ticket in another person's name", async () => {
      const res = await t.http.post('/api/v1/tickets').set('Authorization', integration).set(as(PEOPLE.parent)).send(ticketBody({ requester: PEOPLE.pupil })).expect(403);
      expect(res.body.message).toMatch(/requester must be the person you act for/);
    });

    it("lets a school's director ask for a pupil of that school, not of another", async () => {
      const res = await t.http.post('/api/v1/tickets').set('Authorization', integration).set(as(PEOPLE.directorJeanMoulin)).send(ticketBody({ requester: PEOPLE.pupil })).expect(201);
      expect(res.body.requester.entUserId).toBe(PEOPLE.pupil.entUserId);
      const history = (await t.http.get(`/api/v1/tickets/${res.body.reference}/history`).set('Authorization', integration).set(as(PEOPLE.directorJeanMoulin)).expect(200)).body.items;
      expect(history[0]).toMatchObject({ type: 'created', actor: { kind: 'user', id: PEOPLE.directorJeanMoulin.entUserId } });
      await t.http
        .post('/api/v1/tickets')
        .set('Authorization', integration)
        .set(as(PEOPLE.directorJeanMoulin))
        .send(ticketBody({ requester: PEOPLE.pupil, school: { uai: SIMONE_VEIL.uai } }))
        .expect(403);
    });
  });

  describe('a personal key', () => {
    it('acts for its person without a header, and for nobody else', async () => {
      const personal = await t.apiKey(['tickets:read', 'tickets:write'], 'Sophie Lambert', { person: PEOPLE.parent.entUserId });
      const created = await t.http.post('/api/v1/tickets').set('Authorization', personal).send(ticketBody()).expect(201);
      expect(created.body.requester.entUserId).toBe(PEOPLE.parent.entUserId);
      const mine = (await t.http.get('/api/v1/tickets?pageSize=100').set('Authorization', personal).expect(200)).body.items.map((i: { reference: string }) => i.reference);
      expect(mine).toEqual(expect.arrayContaining([created.body.reference, jeanMoulinTicket]));
      expect(mine).not.toContain(simoneVeilTicket);
      await t.http.get('/api/v1/tickets').set('Authorization', personal).set(as(PEOPLE.parent)).expect(200);
      await t.http.get('/api/v1/tickets').set('Authorization', personal).set(as(PEOPLE.directorJeanMoulin)).expect(403);
    });

    it('cannot also act for others (the CLI refuses the mix)', () => {
      const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist/auth/cli/api-key.js'), 'create', '--name', 'x', ...args], { cwd: ROOT, env: store.env, encoding: 'utf8' });
      const mixed = cli('--scopes', 'tickets:read,act_as', '--person', PEOPLE.parent.entUserId);
      expect(mixed.status).toBe(2);
      expect(mixed.stderr).toMatch(/personal key acts for its person only/);
      const limitWithoutScope = cli('--scopes', 'tickets:read', '--act-as-within', `school:${JEAN_MOULIN.structureId}`);
      expect(limitWithoutScope.status).toBe(2);
      expect(limitWithoutScope.stderr).toMatch(/needs the act_as scope/);
    });
  });
});
