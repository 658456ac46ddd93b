import { ENT, entTicket, EntZendeskConnector } from './support/ent-zendesk-connector';
import { MovingClock } from './support/moving-clock';
import { RawHttp } from './support/raw-http';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

/** A deployment whose ENT uses other custom field ids, with the routes under a base path (behind a proxy that maps the ENT's host onto it). */
const FIELDS = { user_name: 360001, gestionnaire_name: 360002, user_phone: 360003, ticket_id: 360004, school_name: 360005, school_uai: 360006 };

describe(`Zendesk routes under ZENDESK_BASE_PATH, custom field ids from the configuration (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let store: TestStore;
  let t: TestApp;
  let http: RawHttp;
  let entKey: string;
  const clock = new MovingClock(new Date('2026-11-24T09:00:00Z'));

  beforeAll(async () => {
    store = await TestStore.create({
      ZENDESK_BASE_PATH: '/zendesk',
      ZENDESK_FIELD_REQUESTER_NAME: '360001',
      ZENDESK_FIELD_MANAGER_NAME: '360002',
      ZENDESK_FIELD_PHONE: '360003',
      ZENDESK_FIELD_ENT_TICKET_ID: '360004',
      ZENDESK_FIELD_SCHOOL_NAME: '360005',
      ZENDESK_FIELD_SCHOOL_UAI: '360006',
      ZENDESK_ATTACHMENT_MAX_BYTES: '2048',
    });
    t = await TestApp.start(store, { clock });
    http = await RawHttp.listen(t.app.getHttpServer());
    entKey = await t.apiKey(['ent:escalate']);
  });
  afterAll(async () => {
    http?.close();
    await t?.close();
    await store?.destroy();
  });

  it('serves the whole escalation there, reading the fields by their configured ids', async () => {
    const ent = new EntZendeskConnector(http, { authorization: entKey, fields: FIELDS, comment_author_user_id: 7, basePath: '/zendesk' }, () => clock.now());
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('image')]);
    const ticket = entTicket(77, { attachments: [{ name: 'capture.png', contentType: 'image/png', data: png }] });
    await ent.escalate(ticket);
    await ent.comment(ticket, 'Julien Moreau', 'Un détail de plus.');
    const { comments } = await ent.readIssue(ticket);
    expect(comments[0].attachments![0].content_url).toMatch(/^\/zendesk\/api\/v2\/attachments\/\d+\/content$/);
    expect(ticket.status).toBe(ENT.opened);

    const staff = await t.apiKey(['tickets:read_all']);
    const list = await t.http.get('/api/v1/tickets').set('Authorization', staff).expect(200);
    expect(list.body.items.filter((i: { entTicketId: string | null }) => i.entTicketId !== null)).toEqual([
      expect.objectContaining({ entTicketId: '77', requester: expect.objectContaining({ displayName: 'Julien Moreau' }), school: { structureId: 'struct-jean-moulin', uai: '0999001A' } }),
    ]);
  });

  it('is not served at the root any more, and keeps the configured file size limit', async () => {
    const root = await http.send({ method: 'GET', path: '/api/v2/incremental/tickets?start_time=0', headers: { Authorization: entKey } });
    expect(root.status).toBe(404);
    const big = await http.send({ method: 'POST', path: '/zendesk/api/v2/uploads.json?filename=notes.txt', headers: { Authorization: entKey, 'Content-Type': 'text/plain' }, body: Buffer.alloc(4096, 0x61) });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body.toString('utf8'))).toMatchObject({ error: 'RequestEntityTooLarge', code: 'PAYLOAD_TOO_LARGE' });
  });
});
