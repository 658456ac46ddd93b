import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccountActionsService } from '../src/admin-actions/account-actions.service';
import { DemoIdentities } from '../src/demo/demo-identities.service';
import { NotificationsSettle } from '../src/notifications/notifications-settle';
import { createTicket, PEOPLE } from './factories/ticket.factory';
import { eventually } from './support/http-target';
import { SlackCall, SlackServer, slackSignature, TEAM_ID } from './support/slack-server';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

/** Val-Fleuri's Slack channel in the demo directory (Jean-Moulin's circonscription). */
const VAL_FLEURI = 'C0DEMOVALF';
/** A teacher's question the routing rules give the circonscription's ERUN. */
const ERUN_QUESTION = {
  requester: PEOPLE.teacher,
  subject: 'Partager un dossier',
  description: "Comment partager un dossier de l'espace documentaire avec mes collègues de cycle ?",
};
const SUPPORT_CHANNEL = 'C0SUPPORT1';

/**
 * The Slack triage app driven as Slack drives it: signed requests to
 * /slack/events (events, block actions, view submissions) against the running
 * app, and a local Slack recording the Web API calls (issue 16).
 */
describe(`Slack triage app (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let slack: SlackServer;
  let store: TestStore;
  let t: TestApp;
  let writer: string;

  beforeAll(async () => {
    slack = await SlackServer.start();
    store = await TestStore.create({ ...slack.appEnv(), SLACK_SUPPORT_CHANNEL_ID: SUPPORT_CHANNEL });
    t = await TestApp.start(store);
    writer = await t.apiKey(['tickets:read', 'tickets:write', 'act_as'], 'ent');
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
    await slack?.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  function post(body: string, contentType: string, options: { timestamp?: number; secret?: string; headers?: Record<string, string> } = {}) {
    const timestamp = options.timestamp ?? now();
    return t.http
      .post('/slack/events')
      .set('Content-Type', contentType)
      .set('X-Slack-Request-Timestamp', String(timestamp))
      .set('X-Slack-Signature', slackSignature(body, timestamp, options.secret))
      .set(options.headers ?? {})
      .send(body);
  }
  const interact = (payload: Record<string, unknown>) => post(`payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded');
  let eventSeq = 0;
  const sendEvent = (event: Record<string, unknown>, eventId = `Ev${++eventSeq}`, headers: Record<string, string> = {}) =>
    post(JSON.stringify({ type: 'event_callback', team_id: TEAM_ID, event_id: eventId, event }), 'application/json', { headers });

  let userSeq = 0;
  /**
   * A Slack user who is a demo person: linked through the real linking flow
   * when the sandbox ENT knows them, else listed with their Slack id in the
   * directory (the ERUNs); or nobody's.
   */
  async function slackUser(person: string | null, how: 'link' | 'directory' = 'directory'): Promise<string> {
    const id = `U0TEST${++userSeq}`;
    if (person && how === 'link') await t.app.get(DemoIdentities).link({ channel: 'slack', externalId: `${TEAM_ID}:${id}` }, person);
    if (person && how === 'directory') await query('UPDATE people SET slack_user_id = $1 WHERE ent_user_id = $2', [id, person]);
    return id;
  }
  const settle = () => t.app.get(NotificationsSettle).settle();
  const query = <R>(sql: string, values: unknown[] = []) => t.app.get(DataSource).query(sql, values) as Promise<R[]>;
  const ticketRow = async (reference: string) =>
    (await query<{ id: string; status: number; tier: string; assignee_id: string | null }>('SELECT id, status, tier, assignee_id FROM tickets WHERE reference = $1', [reference]))[0];
  const messagesOf = async (reference: string) =>
    query<{ body: string; visibility: string; author_name: string; channel: string }>(
      'SELECT m.body, m.visibility, m.author_name, m.channel FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.reference = $1 ORDER BY m.created_at',
      [reference],
    );
  const cardPosts = (reference: string, channel = VAL_FLEURI) => slack.callsOf('chat.postMessage', (a) => a.channel === channel && !a.thread_ts && String(a.text).includes(reference));
  const cardUpdates = (reference: string) => slack.callsOf('chat.update', (a) => String(a.text).includes(reference));
  const buttonsOf = (blocks: any[]) => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.action_id));

  /** A new ticket of Jean-Moulin (Val-Fleuri), its card posted; returns the reference and the card's ts. */
  async function ticketWithCard(overrides: Record<string, unknown> = {}): Promise<{ reference: string; ts: string }> {
    const reference = await createTicket(t, writer, { ...ERUN_QUESTION, ...overrides });
    await settle();
    const [card] = await eventually(() => cardPosts(reference).length > 0 && cardPosts(reference), 10_000, `the card of ${reference}`);
    const ts = (await eventually(() => query<{ ts: string }>('SELECT c.ts FROM slack_cards c JOIN tickets t ON t.id = c.ticket_id WHERE t.reference = $1', [reference]).then((r) => r[0]?.ts)))!;
    expect(card.authorized).toBe(true);
    return { reference, ts };
  }
  function click(user: string, actionId: string, reference: string, extra: Record<string, unknown> = {}) {
    return interact({
      type: 'block_actions',
      team: { id: TEAM_ID },
      user: { id: user, team_id: TEAM_ID },
      channel: { id: VAL_FLEURI },
      trigger_id: `trigger-${actionId}-${user}`,
      response_url: slack.responseUrl(`${actionId}-${user}`),
      message: { ts: '1', blocks: [{ type: 'actions', elements: [{ action_id: ACTION_IDS.claim, value: reference }] }] },
      actions: [{ action_id: actionId, block_id: 'relais_ticket_actions', value: reference, type: 'button', ...extra }],
    });
  }
  function submit(user: string, callbackId: string, reference: string, values: Record<string, Record<string, unknown>>) {
    return interact({
      type: 'view_submission',
      team: { id: TEAM_ID },
      user: { id: user, team_id: TEAM_ID },
      view: { id: 'V1', callback_id: callbackId, private_metadata: reference, state: { values } },
    });
  }
  const ephemeralsTo = (user: string) => slack.callsOf('chat.postEphemeral', (a) => a.user === user);

  describe('the request URL', () => {
    it('answers url_verification with its challenge', async () => {
      const res = await post(JSON.stringify({ type: 'url_verification', challenge: 'abc123' }), 'application/json').expect(200);
      expect(res.body).toEqual({ challenge: 'abc123' });
    });

    it.each([
      ['a bad signature', { secret: 'not-the-secret-at-all' }, 'SLACK_SIGNATURE_INVALID'],
      ['a timestamp six minutes old', { timestamp: Math.floor(Date.now() / 1000) - 360 }, 'SLACK_REQUEST_STALE'],
      ['a timestamp six minutes ahead', { timestamp: Math.floor(Date.now() / 1000) + 360 }, 'SLACK_REQUEST_STALE'],
    ])('refuses %s with 401 and the usual error body, and does nothing', async (_what, options, code) => {
      // A slash command that would be answered through its response URL, were it accepted.
      const respondTo = `refused-${code}-${'timestamp' in options ? options.timestamp : 'sig'}`;
      const body = new URLSearchParams({ team_id: TEAM_ID, user_id: 'U0REFUSED', command: '/assistance', text: 'aide mot de passe', response_url: slack.responseUrl(respondTo) }).toString();
      const res = await post(body, 'application/x-www-form-urlencoded', options).expect(401);
      expect(res.body).toMatchObject({ code, requestId: expect.any(String), message: expect.any(String) });
      await new Promise((r) => setTimeout(r, 500));
      expect(slack.calls.filter((c) => c.method === `/respond/${respondTo}`)).toEqual([]);
      // The same request, signed now, is answered: the refusal was the signature's or the timestamp's.
      await post(body, 'application/x-www-form-urlencoded').expect(200);
      await eventually(() => slack.calls.some((c) => c.method === `/respond/${respondTo}`), 10_000, 'the answer to the accepted command');
    });

    it('refuses an unsigned request', async () => {
      const res = await t.http.post('/slack/events').set('Content-Type', 'application/json').send('{"type":"url_verification","challenge":"x"}').expect(401);
      expect(res.body.code).toBe('SLACK_SIGNATURE_INVALID');
    });
  });

  describe('ticket cards', () => {
    it('posts a card for a new ticket in its circonscription channel: requester, school, priority, due date and the buttons', async () => {
      const { reference } = await ticketWithCard();
      const [card] = cardPosts(reference);
      const text = JSON.stringify(card.args.blocks);
      expect(text).toContain('Julien Moreau (enseignant)');
      expect(text).toContain('École élémentaire Jean-Moulin');
      expect(text).toContain('Priorité\u00a0:');
      expect(buttonsOf(card.args.blocks)).toEqual(['relais_claim', 'relais_reply', 'relais_escalate', 'relais_forward', 'relais_resolve', 'relais_reassign']);
    });

    it('Prendre en charge: the linked ERUN claims, the card shows it; an unlinked or out-of-scope user is told privately and nothing changes', async () => {
      const { reference } = await ticketWithCard();
      const stranger = await slackUser(null);
      await click(stranger, 'relais_claim', reference).expect(200);
      await eventually(() => ephemeralsTo(stranger).length > 0, 10_000, 'the ephemeral answer');
      expect(ephemeralsTo(stranger)[0].args.text).toContain('/assistance lier');
      const karim = await slackUser(PEOPLE.erunDeuxRives.entUserId);
      await click(karim, 'relais_claim', reference).expect(200);
      await eventually(() => ephemeralsTo(karim).length > 0, 10_000, 'the refusal');
      // Another circonscription's ERUN does not even see the ticket in Relais.
      expect(ephemeralsTo(karim)[0].args.text).toContain('introuvable');
      expect((await ticketRow(reference)).assignee_id).toBeNull();

      const camille = await slackUser(PEOPLE.erunValFleuri.entUserId);
      const started = Date.now();
      await click(camille, 'relais_claim', reference).expect(200);
      expect(Date.now() - started).toBeLessThan(3000);
      await eventually(async () => (await ticketRow(reference)).assignee_id === PEOPLE.erunValFleuri.entUserId, 10_000, 'the claim');
      await settle();
      const update = await eventually(() => cardUpdates(reference).find((u) => JSON.stringify(u.args.blocks).includes('Camille Martin')), 10_000, 'the card updated');
      expect(buttonsOf(update.args.blocks)).not.toContain('relais_claim');
    });

    it('Répondre: the modal, refused empty, a public answer and an internal note under the author', async () => {
      const { reference } = await ticketWithCard();
      const camille = await slackUser(PEOPLE.erunValFleuri.entUserId);
      await click(camille, 'relais_reply', reference).expect(200);
      const open = await eventually(() => slack.callsOf('views.open', (a) => a.trigger_id === `trigger-relais_reply-${camille}`)[0], 10_000, 'the modal');
      expect(open.args.view.private_metadata).toBe(reference);
      const empty = await submit(camille, 'relais_reply_view', reference, { text: { value: { type: 'plain_text_input', value: '  ' } } }).expect(200);
      expect(empty.body).toMatchObject({ response_action: 'errors', errors: { text: expect.any(String) } });
      await submit(camille, 'relais_reply_view', reference, { text: { value: { type: 'plain_text_input', value: 'Je regarde votre compte.' } } }).expect(200);
      await submit(camille, 'relais_reply_view', reference, {
        text: { value: { type: 'plain_text_input', value: 'Compte verrouillé côté annuaire.' } },
        internal: { value: { type: 'checkboxes', selected_options: [{ value: 'internal' }] } },
      }).expect(200);
      const messages = await eventually(async () => ((await messagesOf(reference)).length >= 2 ? messagesOf(reference) : undefined), 10_000, 'two messages');
      expect(messages).toEqual([
        { body: 'Je regarde votre compte.', visibility: 'public', author_name: 'Camille Martin', channel: 'slack' },
        { body: 'Compte verrouillé côté annuaire.', visibility: 'internal', author_name: 'Camille Martin', channel: 'slack' },
      ]);
    });

    it('Escalader: refused without a reason; with one the ticket climbs a tier and its card reaches academic support, with what was said before', async () => {
      const { reference } = await ticketWithCard();
      const before = await ticketRow(reference);
      await t.http
        .post(`/api/v1/tickets/${reference}/messages`)
        .set('Authorization', writer)
        .set('X-On-Behalf-Of', PEOPLE.teacher.entUserId)
        .send({ body: 'Le partage échoue aussi depuis la tablette.' })
        .expect(201);
      const camille = await slackUser(PEOPLE.erunValFleuri.entUserId);
      await click(camille, 'relais_escalate', reference).expect(200);
      const open = await eventually(() => slack.callsOf('views.open', (a) => a.trigger_id === `trigger-relais_escalate-${camille}` && a.view.private_metadata === reference)[0], 10_000, 'the modal');
      const tierBlock = open.args.view.blocks.find((b: any) => b.block_id === 'tier');
      const target = tierBlock.element.initial_option.value;
      const noReason = await submit(camille, 'relais_escalate_view', reference, { reason: { value: { value: '' } }, tier: { value: { selected_option: { value: target } } } }).expect(200);
      expect(noReason.body).toMatchObject({ response_action: 'errors', errors: { reason: expect.stringContaining('\u00a0:') } });
      expect((await ticketRow(reference)).tier).toBe(before.tier);
      await submit(camille, 'relais_escalate_view', reference, { reason: { value: { value: 'Hors de portée de l’école' } }, tier: { value: { selected_option: { value: target } } } }).expect(200);
      await eventually(async () => (await ticketRow(reference)).tier === target, 10_000, 'the escalation');
      expect(target).not.toBe(before.tier);
      await settle();
      await eventually(() => cardPosts(reference, SUPPORT_CHANNEL).length > 0, 10_000, 'the card in academic support');
      const supportTs = await eventually(async () => (await query<{ ts: string }>(`SELECT c.ts FROM slack_cards c WHERE c.ticket_id = $1 AND c.channel_id = $2`, [before.id, SUPPORT_CHANNEL]))[0]?.ts, 10_000, 'the card kept');
      // The new thread starts with the conversation so far, each message under its author.
      const history = await eventually(() => {
        const replies = slack.callsOf('chat.postMessage', (a) => a.channel === SUPPORT_CHANNEL && a.thread_ts === supportTs);
        return replies.some((r) => r.args.text === 'Le partage échoue aussi depuis la tablette.') && replies;
      }, 10_000, 'the history in the new thread');
      expect(history.find((r) => r.args.text === 'Le partage échoue aussi depuis la tablette.')!.args.username).toBe('Julien Moreau');
      // One card there, not two (a delivery retried behind a stalled one would post another).
      expect(cardPosts(reference, SUPPORT_CHANNEL)).toHaveLength(1);
    });

    it('Transmettre au support: for the director, not for an ERUN', async () => {
      const { reference } = await ticketWithCard();
      const camille = await slackUser(PEOPLE.erunValFleuri.entUserId);
      await click(camille, 'relais_forward', reference).expect(200);
      await eventually(() => ephemeralsTo(camille).some((e) => String(e.args.text).includes('ne vous autorise pas')), 10_000, 'the refusal');
      const claire = await slackUser(PEOPLE.directorJeanMoulin.entUserId, 'link');
      await click(claire, 'relais_forward', reference).expect(200);
      await eventually(() => slack.callsOf('views.open', (a) => a.trigger_id === `trigger-relais_forward-${claire}`)[0], 10_000, 'the modal');
      await submit(claire, 'relais_forward_view', reference, { reason: { value: { value: 'Bug de l’ENT' } } }).expect(200);
      await eventually(async () => (await ticketRow(reference)).tier === 'editor_support', 10_000, 'the forward');
    });

    it('Résoudre and Réassigner act through the ticket commands', async () => {
      const { reference } = await ticketWithCard();
      const camille = await slackUser(PEOPLE.erunValFleuri.entUserId);
      const claire = await slackUser(PEOPLE.directorJeanMoulin.entUserId);
      await interact({
        type: 'block_actions',
        team: { id: TEAM_ID },
        user: { id: camille, team_id: TEAM_ID },
        channel: { id: VAL_FLEURI },
        trigger_id: 'trigger-reassign',
        message: { ts: '1', blocks: [{ type: 'actions', elements: [{ action_id: 'relais_claim', value: reference }] }] },
        actions: [{ action_id: 'relais_reassign', block_id: 'relais_ticket_actions', type: 'users_select', selected_user: claire }],
      }).expect(200);
      await eventually(async () => (await ticketRow(reference)).assignee_id === PEOPLE.directorJeanMoulin.entUserId, 10_000, 'the reassignment');
      await click(camille, 'relais_resolve', reference).expect(200);
      await eventually(async () => (await ticketRow(reference)).status === 3, 10_000, 'resolved');
      await settle();
      const last = await eventually(() => cardUpdates(reference).find((u) => JSON.stringify(u.args.blocks).includes('résolu')), 10_000, 'the resolved card');
      expect(buttonsOf(last.args.blocks)).toEqual([]);
    });
  });

  describe('the thread', () => {
    it('a reply in the thread is a ticket message under the author; note: makes an internal note; a retry is not processed twice', async () => {
      const { reference, ts } = await ticketWithCard();
      const camille = await slackUser(PEOPLE.erunValFleuri.entUserId);
      const message = { type: 'message', channel: VAL_FLEURI, channel_type: 'channel', user: camille, team: TEAM_ID, thread_ts: ts };
      await sendEvent({ ...message, text: 'Bonjour, pouvez-vous réessayer ?', ts: '1800000000.000001' }, 'EvThread1').expect(200);
      await sendEvent({ ...message, text: 'note: vu avec le directeur', ts: '1800000000.000002' }, 'EvThread2').expect(200);
      await eventually(async () => (await messagesOf(reference)).length >= 2, 10_000, 'two messages');
      // Slack retries the first event: acknowledged, not done again.
      await sendEvent({ ...message, text: 'Bonjour, pouvez-vous réessayer ?', ts: '1800000000.000001' }, 'EvThread1', { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' }).expect(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(await messagesOf(reference)).toEqual([
        { body: 'Bonjour, pouvez-vous réessayer ?', visibility: 'public', author_name: 'Camille Martin', channel: 'slack' },
        { body: 'vu avec le directeur', visibility: 'internal', author_name: 'Camille Martin', channel: 'slack' },
      ]);
      // What was written in the thread is not posted back into it.
      await settle();
      expect(slack.callsOf('chat.postMessage', (a) => a.thread_ts === ts && String(a.text).includes('réessayer'))).toEqual([]);
    });

    it('a file shared in the thread is copied into the ticket with its message; a refused one is told to its author alone', async () => {
      const { reference, ts } = await ticketWithCard();
      const camille = await slackUser(PEOPLE.erunValFleuri.entUserId);
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(300)]);
      const shot = slack.shareFile('capture écran.png', 'image/png', png);
      const tool = slack.shareFile('outil.exe', 'application/x-msdownload', Buffer.from('MZ\x90\x00binary'));
      await sendEvent({
        type: 'message', subtype: 'file_share', channel: VAL_FLEURI, channel_type: 'channel', user: camille, team: TEAM_ID,
        thread_ts: ts, ts: '1800000003.000001', text: 'Voici la capture de l’erreur', files: [shot, tool],
      }).expect(200);
      const files = await eventually(async () => {
        const rows = await query<{ file_name: string; content_type: string; size: number; content: Buffer; body: string; author_name: string }>(
          `SELECT a.file_name, a.content_type, a.size, a.content, m.body, m.author_name
             FROM ticket_attachments a JOIN ticket_messages m ON m.id = a.message_id JOIN tickets t ON t.id = a.ticket_id WHERE t.reference = $1`,
          [reference],
        );
        return rows.length > 0 && rows;
      }, 10_000, 'the file in the ticket');
      expect(files.map(({ content, ...f }) => f)).toEqual([{ file_name: 'capture écran.png', content_type: 'image/png', size: png.length, body: 'Voici la capture de l’erreur', author_name: 'Camille Martin' }]);
      expect(Buffer.from(files[0].content).equals(png)).toBe(true);
      // Fetched from Slack's file host with the bot token.
      const downloads = slack.calls.filter((c) => c.method.startsWith('/files/'));
      expect(downloads.length).toBeGreaterThanOrEqual(1);
      expect(downloads.every((c) => c.authorized)).toBe(true);
      const told = await eventually(() => ephemeralsTo(camille).find((c) => String(c.args.text).includes('outil.exe')), 10_000, 'the refusal');
      expect(told.args.text).toBe('Ce fichier n’a pas été joint au ticket\u00a0: «\u00a0outil.exe\u00a0» (type de fichier non accepté).');
      expect(told.args.channel).toBe(VAL_FLEURI);
    });

    it('a message added elsewhere appears in the thread under its author name; a change made elsewhere updates the card', async () => {
      const { reference, ts } = await ticketWithCard();
      const res = await t.http
        .post(`/api/v1/tickets/${reference}/messages`)
        .set('Authorization', writer)
        .set('X-On-Behalf-Of', PEOPLE.teacher.entUserId)
        .send({ body: 'J’ai réessayé, toujours rien.' });
      expect(res.status).toBe(201);
      await settle();
      const posted = await eventually(() => slack.callsOf('chat.postMessage', (a) => a.thread_ts === ts && a.text === 'J’ai réessayé, toujours rien.')[0], 10_000, 'the thread reply');
      expect(posted.args.username).toBe('Julien Moreau');
      expect(posted.args.channel).toBe(VAL_FLEURI);
      // A change made elsewhere (the ERUN through the API) updates the card too.
      await t.http
        .post(`/api/v1/tickets/${reference}/transitions`)
        .set('Authorization', writer)
        .set('X-On-Behalf-Of', PEOPLE.erunValFleuri.entUserId)
        .send({ action: 'claim' })
        .expect(200);
      await settle();
      const claimed = await eventually(() => cardUpdates(reference).find((u) => u.args.ts === ts && JSON.stringify(u.args.blocks).includes('Camille Martin')), 10_000, 'the card updated from the API');
      expect(buttonsOf(claimed.args.blocks)).not.toContain(ACTION_IDS.claim);
    });
  });

  describe('/assistance, the App Home and direct messages', () => {
    let commandSeq = 0;
    function command(user: string, text: string) {
      const id = `cmd${++commandSeq}`;
      const body = new URLSearchParams({
        token: 'legacy',
        team_id: TEAM_ID,
        user_id: user,
        user_name: `personne-${user}`,
        command: '/assistance',
        text,
        channel_id: VAL_FLEURI,
        response_url: slack.responseUrl(id),
        trigger_id: `trigger-${id}`,
      }).toString();
      return { id, sent: post(body, 'application/x-www-form-urlencoded') };
    }
    const responses = (id: string, count = 1) => eventually(() => slack.calls.filter((c) => c.method === `/respond/${id}`).length >= count && slack.calls.filter((c) => c.method === `/respond/${id}`), 15_000, `${count} response(s) to ${id}`);

    /** Presses the Confirmer button of a guarded action's preview; returns the ephemeral answer to it. */
    async function confirmPreview(user: string, preview: SlackCall, id: string): Promise<SlackCall> {
      const confirm = (preview.args.blocks ?? []).flatMap((b: any) => b.elements ?? []).find((e: any) => e.action_id === 'relais_confirm_account_action');
      expect(confirm).toBeDefined();
      await interact({
        type: 'block_actions',
        team: { id: TEAM_ID },
        user: { id: user, team_id: TEAM_ID },
        trigger_id: `trigger-confirm-${id}`,
        response_url: slack.responseUrl(`${id}-confirm`),
        actions: [{ action_id: 'relais_confirm_account_action', type: 'button', value: confirm.value }],
      }).expect(200);
      const [result] = await responses(`${id}-confirm`);
      return result;
    }

    it('aide answers from the knowledge base, ephemerally, after an immediate acknowledgement', async () => {
      const visitor = await slackUser(null);
      const { id, sent } = command(visitor, "aide j'ai oublié mon mot de passe de l'ENT");
      const started = Date.now();
      await sent.expect(200);
      expect(Date.now() - started).toBeLessThan(3000);
      const [answer] = await responses(id);
      expect(answer.args.response_type).toBe('ephemeral');
      expect(String(answer.args.text).length).toBeGreaterThan(20);
    });

    it('ticket starts a ticket for the person, in the ephemeral answers', async () => {
      const julien = await slackUser(PEOPLE.teacher.entUserId, 'link');
      const { id, sent } = command(julien, 'ticket Le cahier de textes de la classe ne s’affiche plus depuis ce matin');
      await sent.expect(200);
      const [reply] = await responses(id);
      expect(reply.args.response_type).toBe('ephemeral');
      const reference = /AST-\d{4}-\d{6}/.exec(String(reply.args.text))?.[0];
      expect(reference).toBeDefined();
      const [ticket] = await query<{ requester_ent_id: string; source_channel: string; subject: string }>('SELECT requester_ent_id, source_channel, subject FROM tickets WHERE reference = $1', [reference]);
      expect(ticket).toMatchObject({ requester_ent_id: PEOPLE.teacher.entUserId, source_channel: 'slack' });
      expect(ticket.subject).toMatch(/cahier de textes/);
      // Its buttons are the engine's own choices, answered in the same ephemeral way.
      expect(buttonsOf(reply.args.blocks).every((a: string) => a.startsWith('relais_choice:'))).toBe(true);
    });

    it('an unknown sub-command gets the usage, in French', async () => {
      const { id, sent } = command(await slackUser(null), 'nimportequoi');
      await sent.expect(200);
      const [usage] = await responses(id);
      expect(usage.args.text).toContain('Utilisation\u00a0:');
    });

    it('lier gives the one-time link to this person alone', async () => {
      const visitor = await slackUser(null);
      const { id, sent } = command(visitor, 'lier');
      await sent.expect(200);
      const [offer] = await responses(id);
      const url = /https?:\/\/\S+\/link\?token=[\w-]+/.exec(String(offer.args.text))?.[0];
      expect(url).toBeDefined();
      expect(slack.calls.filter((c) => !c.method.startsWith('/respond/')).some((c) => JSON.stringify(c.args).includes(url!))).toBe(false);
    });

    it('code gives a renewal code only in the ephemeral answer to the person who confirmed', async () => {
      const claire = await slackUser(PEOPLE.directorJeanMoulin.entUserId, 'link');
      const { id, sent } = command(claire, 'code lea.lambert');
      await sent.expect(200);
      const [preview] = await responses(id);
      const result = await confirmPreview(claire, preview, id);
      expect(result.args.response_type).toBe('ephemeral');
      const text = String(result.args.text);
      expect(text).not.toBe(String(preview.args.text));
      // Whatever the result says (the code among it) went nowhere else: no message, card, modal or home holds it.
      expect(slack.calls.filter((c) => !c.method.startsWith('/respond/')).some((c) => JSON.stringify(c.args).includes(text))).toBe(false);
      const audit = await query<{ outcome: string; channel: string }>(`SELECT outcome, channel FROM account_audit_log WHERE action = 'renewal_code' AND actor_key = $1`, [`slack:${TEAM_ID}:${claire}`]);
      expect(audit).toEqual([{ outcome: 'done', channel: 'slack' }]);
    });

    it('debloquer unblocks a login once confirmed, through the guarded actions; then there is nothing left to unblock', async () => {
      const claire = await slackUser(PEOPLE.directorJeanMoulin.entUserId, 'link');
      // Claire blocked the account earlier (the guarded actions themselves, as from any channel).
      const accounts = t.app.get(AccountActionsService);
      const actor = { kind: 'chat' as const, identity: { channel: 'slack' as const, externalId: `${TEAM_ID}:${claire}`, displayName: null } };
      const block = await accounts.preview(actor, { action: 'block', target: { login: 'tom.girard' }, reason: 'Compte utilisé par un tiers' });
      if (block.kind !== 'confirm') throw new Error(`block refused: ${block.text}`);
      await accounts.confirm(actor, block.confirmation.token);
      const { id, sent } = command(claire, 'debloquer tom.girard');
      await sent.expect(200);
      const [preview] = await responses(id);
      expect(preview.args.response_type).toBe('ephemeral');
      const result = await confirmPreview(claire, preview, id);
      expect(result.args.response_type).toBe('ephemeral');
      const audit = await query<{ outcome: string }>(`SELECT outcome FROM account_audit_log WHERE action = 'unblock' AND actor_key = $1`, [`slack:${TEAM_ID}:${claire}`]);
      expect(audit).toEqual([{ outcome: 'done' }]);
      // Unblocked: asked again, the guarded actions say so, and offer nothing to confirm.
      const again = command(claire, 'debloquer tom.girard');
      await again.sent.expect(200);
      const [nothing] = await responses(again.id);
      expect(nothing.args.blocks).toBeUndefined();
      expect(String(nothing.args.text)).toMatch(/bloqué/);
    });

    it('voir shows a ticket card without its buttons to whoever may see it, and not to others', async () => {
      const { reference } = await ticketWithCard();
      const camille = await slackUser(PEOPLE.erunValFleuri.entUserId);
      const seen = command(camille, `voir ${reference}`);
      await seen.sent.expect(200);
      const [card] = await responses(seen.id);
      expect(card.args.response_type).toBe('ephemeral');
      expect(card.args.text).toContain(reference);
      expect(JSON.stringify(card.args.blocks)).toContain('Julien Moreau');
      expect(buttonsOf(card.args.blocks)).toEqual([]);
      // Karim is the ERUN of another circonscription: not his ticket.
      const karim = await slackUser(PEOPLE.erunDeuxRives.entUserId);
      const refused = command(karim, `voir ${reference}`);
      await refused.sent.expect(200);
      const [answer] = await responses(refused.id);
      expect(answer.args.text).toBe('Ce ticket est introuvable, ou vous ne pouvez pas le voir.');
      // Nobody's Slack account: asked to link it first.
      const stranger = command(await slackUser(null), `voir ${reference}`);
      await stranger.sent.expect(200);
      expect((await responses(stranger.id))[0].args.text).toMatch(/^Votre compte Slack n’est pas encore lié/);
    });

    it('file lists what I claimed and the unclaimed queue of my circonscription', async () => {
      const claimed = await ticketWithCard({ subject: 'Partager un dossier, pris' });
      const waiting = await ticketWithCard({ subject: 'Partager un dossier, en attente' });
      const camille = await slackUser(PEOPLE.erunValFleuri.entUserId);
      await click(camille, ACTION_IDS.claim, claimed.reference).expect(200);
      await eventually(async () => (await ticketRow(claimed.reference)).assignee_id === PEOPLE.erunValFleuri.entUserId, 10_000, 'the claim');
      const { id, sent } = command(camille, 'file');
      await sent.expect(200);
      const [list] = await responses(id);
      const text = String(list.args.text);
      const [mine, queue] = text.split('À prendre en charge');
      expect(mine).toMatch(/^Mes tickets \(\d+\)/);
      expect(mine).toContain(claimed.reference);
      expect(mine).not.toContain(waiting.reference);
      expect(queue).toContain(waiting.reference);
      expect(queue).not.toContain(claimed.reference);
    });

    it('the App Home shows my circonscription unclaimed queue, and what I claimed, by SLA due', async () => {
      const { reference } = await ticketWithCard();
      const camille = await slackUser(PEOPLE.erunValFleuri.entUserId);
      await sendEvent({ type: 'app_home_opened', user: camille, channel: 'D0HOME', tab: 'home' }).expect(200);
      const home = await eventually(() => slack.callsOf('views.publish', (a) => a.user_id === camille)[0], 10_000, 'the App Home');
      const text = JSON.stringify(home.args.view.blocks);
      expect(home.args.view.type).toBe('home');
      expect(text).toContain('À prendre en charge');
      expect(text).toContain(reference);
    });

    it('a direct message to the bot runs the conversation engine and is answered in the DM', async () => {
      const visitor = await slackUser(null);
      await sendEvent({ type: 'message', channel: 'D0DIRECT1', channel_type: 'im', user: visitor, team: TEAM_ID, text: 'Bonjour, je ne retrouve plus mon mot de passe', ts: '1800000001.000001' }).expect(200);
      const reply = await eventually(() => slack.callsOf('chat.postMessage', (a) => a.channel === 'D0DIRECT1')[0], 15_000, 'the DM answer');
      expect(String(reply.args.text).length).toBeGreaterThan(10);
    });
  });

  it('waits out a 429 with Retry-After and posts the card after it', async () => {
    const subject = 'Partager un dossier de cycle';
    slack.rateLimit('chat.postMessage', 1, (a) => String(a.text).includes(subject));
    const reference = await createTicket(t, writer, { ...ERUN_QUESTION, subject });
    await settle();
    const [card] = await eventually(() => cardPosts(reference).length > 0 && cardPosts(reference), 15_000, 'the card after the 429');
    const limited = slack.calls.find((c) => c.method === 'chat.postMessage' && c.status === 429 && String(c.args.text).includes(reference))!;
    expect(limited).toBeDefined();
    expect(card.at - limited.at).toBeGreaterThanOrEqual(950);
  });
});

const ACTION_IDS = { claim: 'relais_claim' } as const;
