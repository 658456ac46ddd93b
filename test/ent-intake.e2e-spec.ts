import { DataSource } from 'typeorm';
import { signRelaisRequest } from '../src/common/relais-signature';
import { eventually } from './support/http-target';
import { MovingClock } from './support/moving-clock';
import { DRIVERS, TEST_ENT_SECRET, TestApp, TestStore } from './support/test-app';

const URL = '/api/v1/intake/ent/tickets';

function entTicket(overrides: Record<string, unknown> = {}) {
  return {
    id: 'ent-1001',
    subject: 'Blog de la classe inaccessible',
    description: "Depuis ce matin, le blog de CE2 affiche une erreur pour tous les parents.",
    category: '/blog',
    school_id: 'struct-jean-moulin',
    owner: 'demo-teacher-jm',
    owner_name: 'Julien Moreau',
    profile: 'Teacher',
    status: 1,
    comments: [],
    ...overrides,
  };
}

describe(`ENT Assistance intake (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let store: TestStore;
  let t: TestApp;
  let backOffice: string;

  // Monday 23 November 2026, 10:00 in Paris: inside school working hours, so SLA clocks run.
  const clock = new MovingClock(new Date('2026-11-23T09:00:00Z'));
  beforeAll(async () => {
    store = await TestStore.create();
    t = await TestApp.start(store, { clock });
    backOffice = await t.apiKey(['tickets:read_all']);
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
  });

  const now = () => Math.floor(clock.now().getTime() / 1000);
  const send = (raw: string, options: { timestamp?: number; secret?: string; signature?: string } = {}) => {
    const timestamp = options.timestamp ?? now();
    return t.http
      .post(URL)
      .set('Content-Type', 'application/json')
      .set('X-Relais-Timestamp', String(timestamp))
      .set('X-Relais-Signature', options.signature ?? signRelaisRequest(options.secret ?? TEST_ENT_SECRET, timestamp, raw))
      .send(raw);
  };
  const count = async (table: string, where = 'true') =>
    (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0].n as number;
  const ticketByEntId = async (entId: string) => {
    const list = await t.http.get('/api/v1/tickets?pageSize=100').set('Authorization', backOffice).expect(200);
    return list.body.items.find((i: { entTicketId: string }) => i.entTicketId === entId);
  };

  it('creates a ticket from a signed ENT ticket', async () => {
    const res = await send(JSON.stringify(entTicket())).expect(201);
    expect(res.body).toMatchObject({ created: true, status: 'new', reference: expect.stringMatching(/^AST-\d{4}-\d{6}$/) });
    const ticket = await ticketByEntId('ent-1001');
    expect(ticket).toMatchObject({
      channel: 'ent',
      entCategory: '/blog',
      requester: { entUserId: 'demo-teacher-jm', displayName: 'Julien Moreau', profile: 'Teacher' },
      school: { structureId: 'struct-jean-moulin', uai: '0999001A' },
    });
    // Understood by the knowledge base on arrival (a broken blog has no self-service answer).
    expect(ticket).toMatchObject({ intent: 'other', category: 'other' });
  });

  it('updates on redelivery, never duplicates, and adds only new comments', async () => {
    const c1 = { id: 'c1', owner: 'demo-teacher-jm', owner_name: 'Julien Moreau', content: 'Toujours en panne.', created: '2026-09-01T07:30:00+02:00' };
    const first = entTicket({ id: 'ent-2002', comments: [c1] });
    const created = await send(JSON.stringify(first)).expect(201);
    const updated = entTicket({
      id: 'ent-2002',
      status: 2,
      subject: 'Blog de CE2 inaccessible',
      comments: [
        c1,
        { id: 'c2', owner: 'demo-director-jm', owner_name: 'Claire Dubois', content: 'Transmis au support.', created: '2026-09-01T08:00:00+02:00' },
      ],
    });
    const res = await send(JSON.stringify(updated)).expect(200);
    expect(res.body).toMatchObject({ created: false, reference: created.body.reference, status: 'opened' });
    expect(await count('tickets', `ent_ticket_id = 'ent-2002'`)).toBe(1);

    const detail = await t.http.get(`/api/v1/tickets/${created.body.reference}`).set('Authorization', backOffice).expect(200);
    expect(detail.body.subject).toBe('Blog de CE2 inaccessible');
    expect(detail.body.messages.map((m: { body: string }) => m.body)).toEqual(['Toujours en panne.', 'Transmis au support.']);
    const history = await t.http.get(`/api/v1/tickets/${created.body.reference}/history`).set('Authorization', backOffice).expect(200);
    const update = history.body.items.find((e: { type: string }) => e.type === 'updated_from_source');
    expect(update).toMatchObject({
      actor: { kind: 'integration', id: 'ent' },
      before: { subject: 'Blog de la classe inaccessible' },
      after: { subject: 'Blog de CE2 inaccessible' },
    });
    // The status moves through the status rules, as any other change.
    expect(history.body.items.find((e: { type: string }) => e.type === 'status_changed')).toMatchObject({
      actor: { kind: 'integration', id: 'ent' },
      before: { status: 'new' },
      after: { status: 'opened' },
    });
  });

  it("pauses the SLA clock when the ENT waits for the user, resumes it on the next move, and tells the group of both", async () => {
    const created = await send(JSON.stringify(entTicket({ id: 'ent-5005', status: 2 }))).expect(201);
    const read = async () => (await t.http.get(`/api/v1/tickets/${created.body.reference}`).set('Authorization', backOffice).expect(200)).body;
    const before = await read();
    expect(before.sla).toMatchObject({ paused: false, firstResponseDueAt: expect.any(String) });

    await send(JSON.stringify(entTicket({ id: 'ent-5005', status: 5 }))).expect(200);
    expect(await read()).toMatchObject({ status: 'waiting_for_user', sla: { paused: true } });
    clock.advance(3_600_000);
    await send(JSON.stringify(entTicket({ id: 'ent-5005', status: 2 }))).expect(200);
    const after = await read();
    expect(after).toMatchObject({ status: 'opened', sla: { paused: false } });
    // The clock stood still for the hour of the pause: each deadline moved one hour later.
    for (const field of ['firstResponseDueAt', 'resolutionDueAt'] as const) {
      const shift = new Date(after.sla[field]).getTime() - new Date(before.sla[field]).getTime();
      expect(shift).toBeGreaterThanOrEqual(3_600_000);
      expect(shift).toBeLessThan(3_600_000 + 10_000);
    }

    const groupHeard = async () => {
      const items = (await t.http.get(`/api/v1/tickets/${created.body.reference}/history`).set('Authorization', backOffice).expect(200)).body.items;
      const told = items.filter((e: { type: string; after: { address?: string } }) => e.type === 'notification_delivered' && e.after.address === 'group');
      return told.length >= 3 && told.map((e: { after: { text: string } }) => e.after.text);
    };
    const texts = await eventually(groupHeard, 10_000, 'the group told of both moves');
    expect(texts.filter((text: string) => text.startsWith('Le ticket'))).toEqual([
      `Le ticket ${created.body.reference} est maintenant «\u00a0en attente d’une réponse du demandeur\u00a0» dans l’ENT.`,
      `Le ticket ${created.body.reference} est maintenant «\u00a0en cours de traitement\u00a0» dans l’ENT.`,
    ]);
  });

  it('treats a replayed request as a no-op', async () => {
    const raw = JSON.stringify(entTicket({ id: 'ent-3003', comments: [{ id: 9, owner: 'x1', owner_name: 'X', content: 'Bonjour' }] }));
    const timestamp = now();
    await send(raw, { timestamp }).expect(201);
    // Notification deliveries record their own events in the background; only ticket changes count here.
    const ticketEvents = () => count('ticket_events', `type NOT LIKE 'notification_%'`);
    const events = await ticketEvents();
    const messages = await count('ticket_messages');
    const replay = await send(raw, { timestamp }).expect(200);
    expect(replay.body.created).toBe(false);
    expect(await count('tickets', `ent_ticket_id = 'ent-3003'`)).toBe(1);
    expect(await ticketEvents()).toBe(events);
    expect(await count('ticket_messages')).toBe(messages);
  });

  it('makes one ticket from concurrent first deliveries', async () => {
    const raw = JSON.stringify(entTicket({ id: 'ent-4004' }));
    const responses = await Promise.all(Array.from({ length: 5 }, () => send(raw)));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(4);
    expect(await count('tickets', `ent_ticket_id = 'ent-4004'`)).toBe(1);
  });

  it.each([
    ['a wrong secret', { secret: 'not-the-shared-secret-at-all' }],
    ['a missing signature', { signature: '' }],
    ['a tampered signature', { signature: 'sha256=' + '0'.repeat(64) }],
  ])('refuses %s with 401, writing nothing', async (_, options) => {
    const before = await count('tickets');
    const res = await send(JSON.stringify(entTicket({ id: 'ent-bad-sig' })), options).expect(401);
    expect(res.body.code).toBe('ENT_SIGNATURE_INVALID');
    expect(await count('tickets')).toBe(before);
  });

  it('refuses a body changed after signing', async () => {
    const raw = JSON.stringify(entTicket({ id: 'ent-5005' }));
    const timestamp = now();
    const signature = signRelaisRequest(TEST_ENT_SECRET, timestamp, raw);
    await send(raw.replace('ent-5005', 'ent-5006'), { timestamp, signature }).expect(401);
  });

  it.each([
    // Margins of half a minute: a slow machine may cross a second between signing and checking.
    ['older than 5 minutes', -330],
    ['too far in the future', 330],
  ])('refuses a timestamp %s', async (_, offset) => {
    const before = await count('tickets');
    const res = await send(JSON.stringify(entTicket({ id: 'ent-stale' })), { timestamp: now() + offset }).expect(401);
    expect(res.body.code).toBe('ENT_REQUEST_STALE');
    expect(await count('tickets')).toBe(before);
  });

  it('refuses a malformed body with 400', async () => {
    const before = await count('tickets');
    const res = await send('{"id": "ent-6006", ').expect(400);
    expect(res.body.code).toBe('MALFORMED_BODY');
    expect(await count('tickets')).toBe(before);
  });

  it.each([
    ['a missing subject', { subject: undefined }],
    ['a status out of range', { status: 9 }],
    ['a category that is not an app address', { category: 'blog' }],
    ['an unknown profile', { profile: 'Parent' }],
    ['a NUL character in the description', { description: 'Bonjour\u0000' }],
    ['a comment without content', { comments: [{ id: 'c', owner: 'o', owner_name: 'O', content: '' }] }],
  ])('refuses %s with the issues', async (_, overrides) => {
    const before = await count('tickets');
    const res = await send(JSON.stringify(entTicket({ id: 'ent-invalid', ...overrides }))).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.length).toBeGreaterThan(0);
    expect(await count('tickets')).toBe(before);
  });

  it('ignores fields it does not know, storing none of them', async () => {
    const res = await send(JSON.stringify(entTicket({ id: 'ent-7007', locale: 'fr', attachments: [{ id: 'a1' }], escalation_date: null }))).expect(201);
    const detail = await t.http.get(`/api/v1/tickets/${res.body.reference}`).set('Authorization', backOffice).expect(200);
    expect(JSON.stringify(detail.body)).not.toContain('locale');
  });
});
