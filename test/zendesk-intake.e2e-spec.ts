import { DataSource } from 'typeorm';
import { IdempotencyPurge } from '../src/tickets/idempotency-purge.service';
import { ENT, EntFile, entTicket, EntZendeskConnector } from './support/ent-zendesk-connector';
import { MovingClock } from './support/moving-clock';
import { RawHttp, RawResponse } from './support/raw-http';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

/** A tiny PNG and PDF, with the bytes their types begin with. */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('capture d’écran du blog')]);
const PDF = Buffer.from('%PDF-1.4\nprocès-verbal du conseil d’école\n%%EOF');
const screenshot: EntFile = { name: 'capture.png', contentType: 'image/png', data: PNG };
const minutes: EntFile = { name: 'proces-verbal.pdf', contentType: 'application/pdf', data: PDF };

/** The connector's `zendesk-escalation-conf` with Relais's default field ids. */
const FIELDS = { user_name: 1, gestionnaire_name: 2, user_phone: 3, ticket_id: 4, school_name: 5, school_uai: 6 };
const AUTHOR_ID = 900_001;
const EDITOR_SUPPORT = 'demo-editor-support';

describe(`ENT escalation through the Zendesk-compatible API (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let store: TestStore;
  let t: TestApp;
  let http: RawHttp;
  let entKey: string;
  let staff: string;
  let ent: EntZendeskConnector;

  // Monday 23 November 2026, 10:00 in Paris: within working hours, so deadlines run.
  const clock = new MovingClock(new Date('2026-11-23T09:00:00Z'));

  beforeAll(async () => {
    store = await TestStore.create({ ZENDESK_EXPORT_PAGE_SIZE: '2' });
    t = await TestApp.start(store, { clock });
    http = await RawHttp.listen(t.app.getHttpServer());
    entKey = await t.apiKey(['ent:escalate'], 'ENT Assistance');
    staff = await t.apiKey(['tickets:read_all', 'tickets:write', 'act_as'], 'back office');
    ent = new EntZendeskConnector(http, { authorization: entKey, fields: FIELDS, comment_author_user_id: AUTHOR_ID }, () => clock.now());
  });
  afterAll(async () => {
    http?.close();
    await t?.close();
    await store?.destroy();
  });

  const count = async (table: string, where = 'true') =>
    (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0].n as number;
  const relaisTicket = async (entTicketId: number) => {
    const list = await t.http.get('/api/v1/tickets?pageSize=100').set('Authorization', staff).expect(200);
    const found = list.body.items.find((i: { entTicketId: string }) => i.entTicketId === String(entTicketId));
    if (!found) throw new Error(`no Relais ticket for ENT ticket ${entTicketId}`);
    return (await t.http.get(`/api/v1/tickets/${found.reference}`).set('Authorization', staff).expect(200)).body;
  };
  const history = async (reference: string) =>
    (await t.http.get(`/api/v1/tickets/${reference}/history`).set('Authorization', staff).expect(200)).body.items as { type: string; after: Record<string, unknown> }[];
  const reply = (reference: string, body: string, visibility: 'public' | 'internal' = 'public') =>
    t.http.post(`/api/v1/tickets/${reference}/messages`).set('Authorization', staff).set('X-On-Behalf-Of', EDITOR_SUPPORT).send({ body, visibility }).expect(201);
  const transition = (reference: string, action: string) =>
    t.http.post(`/api/v1/tickets/${reference}/transitions`).set('Authorization', staff).set('X-On-Behalf-Of', EDITOR_SUPPORT).send({ action }).expect(200);
  /** Past the 90 s the export stays behind the clock, and past the connector's next timer tick. */
  const laterPull = async () => {
    clock.advance(5 * 60_000);
    await ent.pull();
  };
  const json = (res: RawResponse) => JSON.parse(res.body.toString('utf8'));

  describe('an escalation, replayed call by call', () => {
    const ticket = entTicket(1234, {
      attachments: [screenshot, minutes],
      comments: [
        { id: 501, ownerName: 'Julien Moreau', content: 'Toujours en panne ce matin.', created: '2026-11-23 08:12:00.123456' },
        { id: 502, ownerName: 'Claire Dubois', content: 'Je transmets au support.', created: '2026-11-23 08:40:00.654321' },
      ],
    });

    it('uploads the files, creates the ticket with its custom fields, then sends its comments one by one', async () => {
      await ent.escalate(ticket);
      expect(ent.calls.map((c) => `${c.method} ${c.path.split('?')[0]} ${c.status}`)).toEqual([
        'POST /api/v2/uploads.json 201',
        'POST /api/v2/uploads.json 201',
        'POST /api/v2/tickets.json 201',
        `PUT /api/v2/tickets/${ticket.issueId} 200`,
        `PUT /api/v2/tickets/${ticket.issueId} 200`,
        `GET /api/v2/tickets/${ticket.issueId} 200`,
        `GET /api/v2/tickets/${ticket.issueId}/comments 200`,
      ]);
      expect(ticket.issueId).toEqual(expect.any(Number));
    });

    it('is a Relais ticket like any other: linked to the ENT ticket and the school by UAI, routed, with deadlines', async () => {
      const created = await relaisTicket(1234);
      expect(created).toMatchObject({
        channel: 'ent',
        entTicketId: '1234',
        subject: 'Le blog de la classe affiche une erreur',
        description: 'Depuis lundi, le blog de CE2 affiche « erreur 500 » pour tous les parents.\nMerci de regarder.',
        requester: { displayName: 'Julien Moreau' },
        school: { uai: '0999001A', structureId: 'struct-jean-moulin' },
        // "Transmettre au support": the tier the routing rules give forwarded requests.
        tier: 'editor_support',
        queue: { kind: 'editor' },
        status: 'new',
        sla: { firstResponseDueAt: expect.any(String), resolutionDueAt: expect.any(String) },
      });
      // The comments the ENT had, once each, as the ENT side wrote them; the staff's note with what the custom fields said.
      expect(created.messages.map((m: { visibility: string; author: { name: string }; body: string }) => [m.visibility, m.author.name, m.body])).toEqual([
        ['internal', 'ENT Assistance', expect.stringContaining('Demande n°\u00a01234')],
        ['public', 'Julien Moreau', 'Toujours en panne ce matin.'],
        ['public', 'Claire Dubois', 'Je transmets au support.'],
      ]);
      expect(created.messages[0].body).toBe(
        "Demande n°\u00a01234 transmise depuis l'Assistance ENT par Claire Dubois.\n" +
          'Demandeur\u00a0: Julien Moreau, téléphone\u00a0: 0601020304.\n' +
          'Établissement\u00a0: École élémentaire Jean-Moulin (UAI 0999001A).',
      );
      const events = await history(created.reference);
      expect(events.map((e) => e.type).filter((type) => !type.startsWith('notification_'))).toEqual([
        'created',
        'attachments_added',
        'message_added',
        'message_added',
        'message_added',
      ]);
      expect(events.find((e) => e.type === 'attachments_added')!.after).toMatchObject({
        messageId: null,
        attachments: [
          { fileName: 'capture.png', contentType: 'image/png', size: PNG.length },
          { fileName: 'proces-verbal.pdf', contentType: 'application/pdf', size: PDF.length },
        ],
      });
    });

    it('reads back as the ENT expects: status new (opened for the ENT), its own comments and files, nothing to import', async () => {
      const { ticket: issue, comments } = await ent.readIssue(ticket);
      expect(issue).toMatchObject({ id: ticket.issueId, status: 'new', subject: ticket.subject, priority: 'normal' });
      expect(issue.custom_fields).toEqual(expect.arrayContaining([{ id: 4, value: 1234 }, { id: 6, value: '0999001A' }]));
      expect(comments.map((c) => c.via?.channel)).toEqual(['api', 'api', 'api']);
      expect(comments[0].attachments!.map((a) => a.id)).toEqual(ticket.bugTrackerAttachments);
      expect(comments[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      await laterPull();
      expect(ticket).toMatchObject({ status: ENT.opened, imported: [], downloaded: [] });
    });

    it('lets the ENT download its files through their content_url', async () => {
      const { comments } = await ent.readIssue(ticket);
      const [png, pdf] = comments[0].attachments!;
      const got = await http.send({ method: 'GET', path: png.content_url, headers: { Authorization: entKey } });
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toBe('image/png');
      expect(got.body.equals(PNG)).toBe(true);
      expect((await http.send({ method: 'GET', path: pdf.content_url, headers: { Authorization: entKey } })).body.equals(PDF)).toBe(true);
    });

    it('adds a comment of the ENT once however often it is resent', async () => {
      const created = await relaisTicket(1234);
      for (let i = 0; i < 3; i++) await ent.comment(ticket, 'Julien Moreau', "C'est reparti en panne.");
      // The comments it had before escalating carry their ENT id: resent, they are the same ones.
      await ent.put(ticket, { id: 501, html_body: 'Auteur : Julien Moreau<br/><br/>Toujours en panne ce matin.', author_id: AUTHOR_ID, type: 'Comment' }, 'open');
      const after = await relaisTicket(1234);
      expect(after.messages.length).toBe(created.messages.length + 1);
      expect(after.messages.at(-1)).toMatchObject({ visibility: 'public', channel: 'ent', author: { name: 'Julien Moreau' }, body: "C'est reparti en panne." });
      // Written on the requester's side, it is for the group, and changes nothing to a new ticket's status.
      expect(after.status).toBe('new');
    });

    it('imports a reply written in Relais (public, channel web), never an internal note, each once', async () => {
      const created = await relaisTicket(1234);
      await reply(created.reference, 'Bonjour,\nle blog est réparé : videz le cache de votre navigateur.');
      await reply(created.reference, 'Note : le correctif vient du fournisseur.', 'internal');
      await laterPull();
      expect(ticket.imported.map((c) => c.html)).toEqual(['<div class="zd-comment" dir="auto"><p>Bonjour,</p><p>le blog est réparé : videz le cache de votre navigateur.</p></div>']);
      const { comments } = await ent.readIssue(ticket);
      expect(comments.find((c) => c.html_body.includes('réparé'))!.via?.channel).toBe('web');
      expect(comments.some((c) => c.html_body.includes('correctif'))).toBe(false);
      await laterPull();
      await laterPull();
      expect(ticket.imported).toHaveLength(1);
      // The first public answer from staff opened the ticket; the ENT reads opened as 2.
      expect((await relaisTicket(1234)).status).toBe('opened');
      expect(ticket.status).toBe(ENT.opened);
    });

    it('reads "resolved" in Relais as 3, "waiting for the user" as 5; the ENT\'s statuses come back through the status rules', async () => {
      const { reference } = await relaisTicket(1234);
      await transition(reference, 'wait_for_user');
      await laterPull();
      expect(ticket.status).toBe(ENT.waiting);
      // The requester answers in the ENT: the ENT sends "open", the answer hands the ticket back to staff.
      await ent.comment(ticket, 'Julien Moreau', 'Le cache vidé, cela fonctionne.');
      expect((await relaisTicket(1234)).status).toBe('opened');

      await transition(reference, 'resolve');
      await laterPull();
      expect(ticket.status).toBe(ENT.resolved);

      // A comment on the resolved ticket: the ENT reopens it, and so does Relais.
      await ent.comment(ticket, 'Claire Dubois', 'Le problème est revenu sur le blog de CM1.');
      expect((await relaisTicket(1234)).status).toBe('opened');

      // Closed in the ENT without a word: a status change, not a message.
      const before = (await relaisTicket(1234)).messages.length;
      await ent.changeStatus(ticket, ENT.closed, 'Claire Dubois');
      const closed = await relaisTicket(1234);
      expect(closed.status).toBe('resolved');
      expect(closed.messages.length).toBe(before);
      const moves = (await history(reference)).filter((e) => e.type === 'status_changed').map((e) => e.after.status);
      expect(moves).toEqual(['opened', 'waiting_for_user', 'opened', 'resolved', 'opened', 'resolved']);
    });
  });

  describe('the incremental poll', () => {
    it('pages until end_of_stream, returning each ticket once per pull and each reply to the ENT once', async () => {
      const tickets = [2001, 2002, 2003, 2004, 2005].map((id) => entTicket(id, { subject: `Demande ${id}` }));
      for (const ticket of tickets) await ent.escalate(ticket);
      await laterPull();
      const references = await Promise.all(tickets.map(async (ticket) => (await relaisTicket(ticket.id)).reference));
      // One reply a second; ticket 2003 is answered again after 2004 was: it straddles 2004, so they share a page.
      const replies: [number, string][] = [[0, 'Réponse à 2001.'], [1, 'Réponse à 2002.'], [2, 'Réponse à 2003.'], [3, 'Réponse à 2004.'], [2, 'Réponse bis 2003.'], [4, 'Réponse à 2005.']];
      for (const [i, text] of replies) {
        clock.advance(1_000);
        await reply(references[i], text);
      }
      await laterPull();

      // Two tickets a page, but 2003 and 2004 go together: three pages, each starting where the previous one ended.
      expect(ent.pages.map((p) => [p.count, p.endOfStream])).toEqual([[2, false], [2, false], [1, true]]);
      for (let i = 1; i < ent.pages.length; i++) expect(ent.pages[i].start).toBe(ent.pages[i - 1].endTime);
      const imported = tickets.map((ticket) => ticket.imported.map((c) => c.html.replace(/<[^>]+>/g, '')));
      expect(imported).toEqual([['Réponse à 2001.'], ['Réponse à 2002.'], ['Réponse à 2003.', 'Réponse bis 2003.'], ['Réponse à 2004.'], ['Réponse à 2005.']]);
      await laterPull();
      expect(tickets.flatMap((ticket) => ticket.imported)).toHaveLength(6);
    });

    it('keeps a reply written within the last 90 s for the next pull, even on a ticket that pull returns, then imports it once', async () => {
      const ticket = entTicket(2101);
      await ent.escalate(ticket);
      await laterPull();
      const { reference } = await relaisTicket(2101);
      // A change the next pull covers (a comment of the ENT), then a reply too recent for it.
      await ent.comment(ticket, 'Julien Moreau', 'Une précision : seul le blog de CE2 est touché.');
      clock.advance(100_000);
      await reply(reference, 'Une réponse de tout à l’heure.');
      clock.advance(20_000);
      await ent.pull();
      expect(ent.pages[0].count).toBe(1);
      expect(ticket.imported).toEqual([]);
      await laterPull();
      expect(ticket.imported.map((c) => c.html.replace(/<[^>]+>/g, ''))).toEqual(['Une réponse de tout à l’heure.']);
      await laterPull();
      expect(ticket.imported).toHaveLength(1);
    });

    it('answers a start_time within the last 90 s with an empty page at end of stream', async () => {
      const start = Math.floor(clock.now().getTime() / 1000) - 10;
      const res = await http.send({ method: 'GET', path: `/api/v2/incremental/tickets.json?start_time=${start}`, headers: { Authorization: entKey } });
      expect(res.status).toBe(200);
      expect(json(res)).toMatchObject({ tickets: [], count: 0, end_of_stream: true, end_time: start });
    });
  });

  describe('redeliveries', () => {
    it('answers an escalation sent again with the same ticket (201), without a second ticket, comment or file', async () => {
      const ticket = entTicket(3001, { attachments: [screenshot], comments: [{ id: 701, ownerName: 'Julien Moreau', content: 'Rien ne change.', created: '2026-11-23 09:00:00' }] });
      await ent.escalate(ticket);
      const first = await relaisTicket(3001);
      const issueId = ticket.issueId;
      // "Relancer la transmission": the connector uploads the files again and sends everything again.
      const again = entTicket(3001, { attachments: [screenshot], comments: ticket.comments });
      await ent.escalate(again);
      expect(again.issueId).toBe(issueId);
      expect(await count('tickets', `ent_ticket_id = '3001'`)).toBe(1);
      const second = await relaisTicket(3001);
      expect(second.messages).toEqual(first.messages);
      expect(await count('ticket_attachments', `ticket_id = '${second.id}'`)).toBe(1);
      // The file keeps one place on the ticket, shown under the id of its latest upload, which the ENT now holds.
      const { comments } = await ent.readIssue(again);
      expect(comments[0].attachments!.map((a) => a.id)).toEqual(again.bugTrackerAttachments);
      await laterPull();
      expect(again.downloaded).toEqual([]);
    });

    it('adds a file sent with a comment once, however often the comment is resent', async () => {
      const ticket = entTicket(3002);
      await ent.escalate(ticket);
      const send = async () => {
        const upload = json(await http.send({ method: 'POST', path: '/api/v2/uploads.json?filename=journal.txt', headers: { Authorization: entKey, 'Content-Type': 'text/plain' }, body: Buffer.from('Erreur 500 à 10 h 02') })).upload;
        await ent.put(ticket, { html_body: 'Des pièces jointes ont été ajoutées', uploads: [upload.token], author_id: AUTHOR_ID, type: 'Comment' }, 'open');
      };
      await send();
      await send();
      const { id, messages } = await relaisTicket(3002);
      expect(messages.filter((m: { body: string }) => m.body === 'Des pièces jointes ont été ajoutées')).toHaveLength(1);
      expect(await count('ticket_attachments', `ticket_id = '${id}'`)).toBe(1);
    });
  });

  describe('refusals, in Zendesk\'s shape, that write nothing', () => {
    const TABLES = ['tickets', 'ticket_messages', 'ticket_events', 'ticket_attachments', 'zendesk_tickets', 'zendesk_comments', 'zendesk_attachments'];
    const fingerprint = async () => Promise.all(TABLES.map((table) => count(table)));
    const createBody = (overrides: Record<string, unknown> = {}) => ({
      ticket: {
        subject: 'Blog en panne',
        comment: { html_body: 'Auteur : Julien Moreau<br/><br/>Le blog ne s’ouvre plus.', author_id: AUTHOR_ID, type: 'Comment' },
        custom_fields: [{ id: 1, value: 'Julien Moreau' }, { id: 4, value: 4001 }, { id: 6, value: '0999001A' }],
        ...overrides,
      },
    });
    const post = (path: string, body: Buffer, headers: Record<string, string>) => http.send({ method: 'POST', path, headers, body });
    /** Zendesk's error with the usual Relais fields beside it. */
    const refused = (res: RawResponse, status: number, error: string, code: string) => {
      expect({ status: res.status, error: json(res).error, code: json(res).code }).toEqual({ status, error, code });
      expect(json(res)).toMatchObject({ message: expect.any(String), requestId: res.headers['x-request-id'] });
      return json(res);
    };
    let before: number[];
    beforeEach(async () => {
      before = await fingerprint();
    });
    afterEach(async () => {
      expect(await fingerprint()).toEqual(before);
    });

    it('refuses a missing or wrong key with 401, and a key without ent:escalate with 403', async () => {
      const body = Buffer.from(JSON.stringify(createBody()));
      const headers = { 'Content-Type': 'application/json' };
      refused(await post('/api/v2/tickets.json', body, headers), 401, "Couldn't authenticate you", 'UNAUTHENTICATED');
      refused(await post('/api/v2/tickets.json', body, { ...headers, Authorization: `${entKey}x` }), 401, "Couldn't authenticate you", 'UNAUTHENTICATED');
      const basicWithoutToken = `Basic ${Buffer.from(`support@ent.example:${entKey.slice(7)}`).toString('base64')}`;
      refused(await post('/api/v2/tickets.json', body, { ...headers, Authorization: basicWithoutToken }), 401, "Couldn't authenticate you", 'UNAUTHENTICATED');
      refused(await post('/api/v2/tickets.json', body, { ...headers, Authorization: staff }), 403, 'Forbidden', 'FORBIDDEN_SCOPE');
      const read = await http.send({ method: 'GET', path: '/api/v2/incremental/tickets?start_time=0', headers: { Authorization: staff } });
      refused(read, 403, 'Forbidden', 'FORBIDDEN_SCOPE');
    });

    it('opens nothing else to an ent:escalate key', async () => {
      for (const path of ['/api/v1/tickets', '/api/v1/notifications/dead-letters']) {
        const res = await http.send({ method: 'GET', path, headers: { Authorization: entKey } });
        expect({ path, status: res.status, code: json(res).code }).toEqual({ path, status: 403, code: 'FORBIDDEN_SCOPE' });
      }
      const assist = await http.send({ method: 'POST', path: '/api/v1/assist', headers: { Authorization: entKey, 'Content-Type': 'application/json' }, body: Buffer.from('{"text":"mdp"}') });
      expect(assist.status).toBe(403);
    });

    it('refuses an upload over the size limit with 413, a type not accepted or a content that is not its type with 415', async () => {
      const auth = { Authorization: entKey };
      const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
      const tooLarge = refused(await post('/api/v2/uploads.json?filename=photo.png', big, { ...auth, 'Content-Type': 'image/png' }), 413, 'RequestEntityTooLarge', 'PAYLOAD_TOO_LARGE');
      expect(tooLarge.description).toContain('10 MB');
      refused(await post('/api/v2/uploads.json?filename=setup.exe', Buffer.from('MZ\x90'), { ...auth, 'Content-Type': 'application/x-msdownload' }), 415, 'UnsupportedMediaType', 'ATTACHMENT_TYPE_REFUSED');
      refused(await post('/api/v2/uploads.json?filename=capture.png', PDF, { ...auth, 'Content-Type': 'image/png' }), 415, 'UnsupportedMediaType', 'ATTACHMENT_TYPE_REFUSED');
      refused(await post('/api/v2/uploads.json?filename=vide.png', Buffer.alloc(0), { ...auth, 'Content-Type': 'image/png' }), 400, 'InvalidValue', 'VALIDATION_FAILED');
      refused(await post('/api/v2/uploads.json', PNG, { ...auth, 'Content-Type': 'image/png' }), 400, 'InvalidValue', 'VALIDATION_FAILED');
    });

    it('refuses malformed bodies with 400, unreadable ones with 415, and names the field', async () => {
      const headers = { Authorization: entKey, 'Content-Type': 'application/json' };
      refused(await post('/api/v2/tickets.json', Buffer.from('{"ticket": {'), headers), 400, 'InvalidValue', 'MALFORMED_BODY');
      const noSubject = refused(await post('/api/v2/tickets.json', Buffer.from(JSON.stringify(createBody({ subject: '' }))), headers), 400, 'InvalidValue', 'VALIDATION_FAILED');
      expect(Object.keys(noSubject.details)).toEqual(['ticket.subject']);
      const nul = refused(await post('/api/v2/tickets.json', Buffer.from(JSON.stringify(createBody({ subject: 'a\u0000b' }))), headers), 400, 'InvalidValue', 'VALIDATION_FAILED');
      expect(nul.errors).toEqual([expect.objectContaining({ path: 'ticket.subject' })]);
      // The ENT ticket id is what makes a redelivery the same ticket: without it, no ticket.
      const noEntId = refused(await post('/api/v2/tickets.json', Buffer.from(JSON.stringify(createBody({ custom_fields: [{ id: 1, value: 'X' }] }))), headers), 400, 'InvalidValue', 'VALIDATION_FAILED');
      expect(noEntId.details['ticket.custom_fields'][0].description).toContain('custom field 4');
      const unknownToken = createBody({ comment: { html_body: 'Bonjour', uploads: ['x'.repeat(32)] } });
      const token = refused(await post('/api/v2/tickets.json', Buffer.from(JSON.stringify(unknownToken)), headers), 400, 'InvalidValue', 'UPLOAD_NOT_FOUND');
      expect(Object.keys(token.details)).toEqual(['ticket.comment.uploads.0']);
      refused(await post('/api/v2/tickets.json', Buffer.from(JSON.stringify(createBody())), { ...headers, 'Content-Type': 'text/plain' }), 415, 'UnsupportedMediaType', 'UNSUPPORTED_MEDIA_TYPE');
      refused(await post('/api/v2/tickets.json', Buffer.from(JSON.stringify(createBody())), { ...headers, 'Content-Type': 'application/json; charset=latin1' }), 415, 'UnsupportedMediaType', 'UNSUPPORTED_CHARSET');
      // Labelled UTF-16 but not valid UTF-8 either: refused, not guessed.
      refused(await post('/api/v2/tickets.json', Buffer.from([0x7b, 0xff, 0x7d]), { ...headers, 'Content-Type': 'application/json; charset=utf-16' }), 400, 'InvalidValue', 'MALFORMED_BODY');
      // An empty body in a coding nobody reads is left to the Zendesk reader alone (the other parsers once answered it with a 500).
      const empty = await http.send({ method: 'PUT', path: '/api/v2/tickets/1.json', headers: { ...headers, 'Content-Encoding': 'zstd', 'Content-Length': '0' } });
      refused(empty, 400, 'InvalidValue', 'VALIDATION_FAILED');
      const put = await http.send({ method: 'PUT', path: '/api/v2/tickets/999999', headers, body: Buffer.from('{"ticket":{"status":"open"}}') });
      refused(put, 404, 'RecordNotFound', 'TICKET_NOT_FOUND');
      const badStatus = await http.send({ method: 'PUT', path: '/api/v2/tickets/1', headers, body: Buffer.from('{"ticket":{"status":"fermé"}}') });
      refused(badStatus, 400, 'InvalidValue', 'VALIDATION_FAILED');
    });

    it('answers unknown tickets, comments and files with 404 RecordNotFound, an id that is not a number with 400', async () => {
      const get = (path: string) => http.send({ method: 'GET', path, headers: { Authorization: entKey } });
      refused(await get('/api/v2/tickets/424242'), 404, 'RecordNotFound', 'TICKET_NOT_FOUND');
      refused(await get('/api/v2/tickets/424242/comments.json'), 404, 'RecordNotFound', 'TICKET_NOT_FOUND');
      refused(await get('/api/v2/attachments/424242/content'), 404, 'RecordNotFound', 'ATTACHMENT_NOT_FOUND');
      refused(await get('/api/v2/tickets/abc'), 400, 'InvalidValue', 'VALIDATION_FAILED');
    });
  });

  describe('bodies the ENT sends as it sends them', () => {
    it('reads a PUT labelled charset=utf-16 whose bytes are UTF-8, and a real UTF-16 body with its byte order mark', async () => {
      const ticket = entTicket(5001);
      await ent.escalate(ticket);
      await ent.comment(ticket, 'Julien Moreau', 'Écrit en UTF-8, étiqueté UTF-16 : ça passe.');
      const body = JSON.stringify({ ticket: { status: 'open', comment: { html_body: 'Auteur : Julien Moreau<br/>Vraiment en UTF-16 : élève, œuvre.' } } });
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]);
      const res = await http.send({ method: 'PUT', path: `/api/v2/tickets/${ticket.issueId}.json`, headers: { Authorization: entKey, 'Content-Type': 'application/json; charset=UTF-16' }, body: utf16 });
      expect(res.status).toBe(200);
      const { messages } = await relaisTicket(5001);
      expect(messages.slice(-2).map((m: { body: string }) => m.body)).toEqual(['Écrit en UTF-8, étiqueté UTF-16 : ça passe.', 'Vraiment en UTF-16 : élève, œuvre.']);
    });

    it("takes Zendesk's Basic email/token:KEY form of the key", async () => {
      const basic = `Basic ${Buffer.from(`support@ent.example/token:${entKey.slice(7)}`).toString('base64')}`;
      const other = new EntZendeskConnector(http, { authorization: basic, fields: FIELDS, comment_author_user_id: AUTHOR_ID }, () => clock.now());
      const ticket = entTicket(5002, { attachments: [minutes] });
      await other.escalate(ticket);
      expect((await relaisTicket(5002)).entTicketId).toBe('5002');
    });
  });

  describe('uploads never attached', () => {
    it('refuses a token already attached to another ticket, and forgets uploads after a day', async () => {
      const upload = async () =>
        json(await http.send({ method: 'POST', path: '/api/v2/uploads.json?filename=capture.png', headers: { Authorization: entKey, 'Content-Type': 'image/png' }, body: PNG })).upload as { token: string; attachment: { id: number } };
      const used = await upload();
      const body = (id: number, token: string) =>
        Buffer.from(JSON.stringify({ ticket: { subject: 'Capture', comment: { html_body: 'Voir la capture.', uploads: [token] }, custom_fields: [{ id: 4, value: id }] } }));
      const headers = { Authorization: entKey, 'Content-Type': 'application/json' };
      expect((await http.send({ method: 'POST', path: '/api/v2/tickets.json', headers, body: body(6001, used.token) })).status).toBe(201);
      const before = await count('tickets');
      const again = await http.send({ method: 'POST', path: '/api/v2/tickets.json', headers, body: body(6002, used.token) });
      expect({ status: again.status, code: json(again).code }).toEqual({ status: 400, code: 'UPLOAD_NOT_FOUND' });
      expect(await count('tickets')).toBe(before);

      const forgotten = await upload();
      expect(await count('ticket_attachments', 'ticket_id IS NULL')).toBeGreaterThan(0);
      clock.advance(25 * 3_600_000);
      await t.app.get(IdempotencyPurge).purge();
      expect(await count('ticket_attachments', 'ticket_id IS NULL')).toBe(0);
      expect(await count('zendesk_attachments', `token = '${forgotten.token}'`)).toBe(0);
      const late = await http.send({ method: 'POST', path: '/api/v2/tickets.json', headers, body: body(6003, forgotten.token) });
      expect({ status: late.status, code: json(late).code }).toEqual({ status: 400, code: 'UPLOAD_NOT_FOUND' });
      // The attached file stays, and stays downloadable.
      expect((await http.send({ method: 'GET', path: `/api/v2/attachments/${used.attachment.id}/content`, headers: { Authorization: entKey } })).status).toBe(200);
    });
  });
});
