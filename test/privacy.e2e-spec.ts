import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ChatIdentity } from '../src/admin-actions/actor';
import { WebchatSessions } from '../src/bots/webchat/webchat-sessions.service';
import { ConversationEngine } from '../src/conversations/conversation-engine.service';
import { DemoIdentities } from '../src/demo/demo-identities.service';
import { Retention } from '../src/privacy/retention.service';
import { createTicket, JEAN_MOULIN, PEOPLE } from './factories/ticket.factory';
import { ROOT } from './support/service-process';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

const CLI = join(ROOT, 'dist/privacy/cli/privacy.js');

/** A row of some table that holds one of the searched strings in a text, varchar, jsonb or array column. */
interface Hit {
  table: string;
  key: string;
}

/**
 * Personal data (issue 18): secrets masked before storage, retention by the
 * job and not before, export checked against every column of every table,
 * erasure that leaves nothing naming the person (but the kept audit log) and
 * keeps other people's tickets whole, each route refused without its scope.
 */
describe(`personal data: retention, export, erasure (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let store: TestStore;
  let t: TestApp;
  let writer: string;
  let exporter: string;
  let eraser: string;
  const sophie = PEOPLE.parent;
  const lea = PEOPLE.pupil;
  const as = (person: { entUserId: string }) => ({ 'X-On-Behalf-Of': person.entUserId });
  const db = () => t.app.get(DataSource);

  beforeAll(async () => {
    store = await TestStore.create();
    t = await TestApp.start(store);
    writer = await t.apiKey(['tickets:read', 'tickets:write', 'act_as'], 'chat box');
    exporter = await t.apiKey(['privacy:export'], 'dpo export');
    eraser = await t.apiKey(['privacy:erase'], 'dpo erasure');
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
  });

  /**
   * Every row, of every table, where one of `needles` appears (case-insensitive)
   * in any text, varchar, jsonb or array column; the columns are read from the
   * catalogue, not listed by hand. The sandbox ENT's tables stand for the ENT
   * itself (its own accounts), not for what Relais keeps, so they are left out.
   */
  async function rowsNaming(needles: string[]): Promise<Hit[]> {
    const columns: { table_name: string; column_name: string }[] = await db().query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name NOT LIKE 'sandbox_ent_%' AND table_name NOT LIKE 'typeorm_%'
          AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')
        ORDER BY table_name, column_name`,
    );
    const byTable = new Map<string, string[]>();
    for (const c of columns) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name]);
    const patterns = needles.map((n) => `%${n.replace(/[\\%_]/g, '\\$&')}%`);
    const hits: Hit[] = [];
    for (const [table, cols] of byTable) {
      const keyColumns: { attname: string }[] = await db().query(
        `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attname`,
        [table],
      );
      const key = keyColumns.length ? keyColumns.map((k) => `"${k.attname}"::text`).join(` || '/' || `) : `ctid::text`;
      const where = cols.map((c) => `"${c}"::text ILIKE ANY($1::text[])`).join(' OR ');
      const rows: { key: string }[] = await db().query(`SELECT ${key} AS key FROM "${table}" WHERE ${where}`, [patterns]);
      hits.push(...rows.map((r) => ({ table, key: r.key })));
    }
    return hits;
  }

  async function keyOf(table: string, row: Record<string, unknown>): Promise<string> {
    const keyColumns: { attname: string }[] = await db().query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attname`,
      [table],
    );
    return keyColumns.map((k) => String(row[k.attname])).join('/');
  }

  let n = 0;
  async function chat(person: string) {
    const identity: ChatIdentity = { channel: 'webchat', externalId: `privacy-session-${++n}` };
    await t.app.get(DemoIdentities).link(identity, person);
    return (text: string) => t.app.get(ConversationEngine).handle({ channel: 'webchat', conversation: identity.externalId, identity, text });
  }

  async function chatSession(person: string) {
    const identity: ChatIdentity = { channel: 'webchat', externalId: `privacy-session-${++n}` };
    await t.app.get(DemoIdentities).link(identity, person);
    const engine = () => t.app.get(ConversationEngine);
    return {
      externalId: identity.externalId,
      say: (text: string) => engine().handle({ channel: 'webchat', conversation: identity.externalId, identity, text }),
      pick: (choice: string) => engine().handle({ channel: 'webchat', conversation: identity.externalId, identity, choice }),
    };
  }

  const director = PEOPLE.directorJeanMoulin;
  const post = (ref: string, person: { entUserId: string }, body: string, visibility = 'public') =>
    t.http.post(`/api/v1/tickets/${ref}/messages`).set('Authorization', writer).set(as(person)).send({ body, visibility });
  const transition = (ref: string, person: { entUserId: string }, action: string) =>
    t.http.post(`/api/v1/tickets/${ref}/transitions`).set('Authorization', writer).set(as(person)).send({ action });

  let sophieLogin: string;
  let leaTicket: string;

  describe('secrets typed by mistake', () => {
    it('stores a password-like string and a renewal code masked, in tickets, messages, history and conversations', async () => {
      const ref = await createTicket(t, writer, { requester: sophie, description: 'Bonjour, mon mot de passe est Soleil2024! et il ne marche plus.' });
      await post(ref, sophie, 'Le code de renouvellement reçu est k7mxq2pa, toujours refusé.').expect(201);
      const say = await chat(sophie.entUserId);
      await say('je ne peux plus me connecter, mdp : Azerty123');
      expect(await rowsNaming(['Soleil2024', 'k7mxq2pa', 'Azerty123'])).toEqual([]);
      const [ticket] = await db().query(`SELECT description FROM tickets WHERE reference = $1`, [ref]);
      expect(ticket.description).toBe('Bonjour, mon mot de passe est [masqué] et il ne marche plus.');
      const [message] = await db().query(`SELECT m.body FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.reference = $1 AND m.author_id = $2`, [ref, sophie.entUserId]);
      expect(message.body).toBe('Le code de renouvellement reçu est [masqué], toujours refusé.');
    });
  });

  describe('export', () => {
    beforeAll(async () => {
      [{ login: sophieLogin }] = await db().query(`SELECT login FROM people WHERE ent_user_id = $1`, [sophie.entUserId]);
      const own = await createTicket(t, writer, { requester: sophie, subject: 'Compte de ma fille', description: 'Ma fille ne voit plus ses cours.' });
      await post(own, director, 'Nous regardons cela, Madame Lambert.').expect(201);
      // Léa's own ticket names her mother, in the description and in a staff note.
      leaTicket = await createTicket(t, writer, {
        requester: lea,
        school: { structureId: JEAN_MOULIN.structureId },
        subject: 'Mot de passe',
        description: `Ma maman ${sophie.displayName} a essayé aussi, sans succès.`,
      });
      await post(leaTicket, director, `J'ai appelé ${sophie.displayName} au téléphone.`, 'internal').expect(201);
    });

    it('is refused without its scope', async () => {
      const res = await t.http.get(`/api/v1/privacy/people/${sophie.entUserId}/export`).set('Authorization', eraser).expect(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN_SCOPE', requestId: expect.any(String) });
      await t.http.get(`/api/v1/privacy/people/${sophie.entUserId}/export`).expect(401);
    });

    it('refuses a malformed id and answers 404 for someone nothing names', async () => {
      expect((await t.http.get(`/api/v1/privacy/people/a%20b/export`).set('Authorization', exporter).expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await t.http.get(`/api/v1/privacy/people/nobody-at-all/export`).set('Authorization', exporter).expect(404)).body.code).toBe('PERSON_NOT_FOUND');
    });

    it('holds every record the person appears in, checked against every column of every table', async () => {
      const res = await t.http.get(`/api/v1/privacy/people/${sophie.entUserId}/export`).set('Authorization', exporter).expect(200);
      const records = res.body.records as Record<string, Record<string, unknown>[]>;
      const exported = new Set<string>();
      for (const [table, rows] of Object.entries(records)) for (const row of rows) exported.add(`${table}:${await keyOf(table, row)}`);
      const hits = await rowsNaming([sophie.entUserId, sophie.displayName, sophieLogin]);
      // The person is in tickets, messages, history, chat links, the directory and the audit of her link at least.
      expect([...new Set(hits.map((h) => h.table))]).toEqual(expect.arrayContaining(['tickets', 'ticket_messages', 'ticket_events', 'chat_links', 'account_audit_log', 'people']));
      // Her conversations are hers through her chat link, without naming her: exported all the same.
      expect(records.conversations.length).toBeGreaterThan(0);
      expect(records.conversation_messages.length).toBeGreaterThan(0);
      const missing = hits.filter((h) => !exported.has(`${h.table}:${h.key}`));
      expect(missing).toEqual([]);
      // Léa's ticket is there because it names her mother; no secret is.
      expect(records.tickets.some((r) => r.reference === leaTicket)).toBe(true);
      expect(JSON.stringify(res.body)).not.toMatch(/grant_box|secret_hash|token_digest/);
    });
  });

  describe('minimisation', () => {
    it('keeps no e-mail in the directory and no name in clear in the audit of account actions', async () => {
      const columns = await db().query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'people'`);
      expect(columns.map((c: { column_name: string }) => c.column_name)).not.toContain('email');
      // Linking her chat identity wrote an audit row about her: by ENT id and login, her name only as a digest.
      const [row] = await db().query(`SELECT target_ent_user_id, target_login, target_name FROM account_audit_log WHERE action = 'link' AND target_ent_user_id = $1 LIMIT 1`, [sophie.entUserId]);
      expect(row).toMatchObject({ target_login: sophieLogin, target_name: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
      expect((await rowsNaming([sophie.displayName])).filter((h) => h.table === 'account_audit_log')).toEqual([]);
    });
  });

  describe('erasure', () => {
    const previewOf = () => t.http.get(`/api/v1/privacy/people/${sophie.entUserId}/erasure`).set('Authorization', eraser);

    it('is refused without its scope, and changes nothing', async () => {
      const before = await rowsNaming([sophie.entUserId]);
      expect((await t.http.get(`/api/v1/privacy/people/${sophie.entUserId}/erasure`).set('Authorization', exporter).expect(403)).body.code).toBe('FORBIDDEN_SCOPE');
      const { confirmation } = (await previewOf().expect(200)).body;
      const refused = await t.http.post(`/api/v1/privacy/people/${sophie.entUserId}/erasure`).set('Authorization', exporter).send({ confirmation }).expect(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN_SCOPE', requestId: expect.any(String) });
      expect(await rowsNaming([sophie.entUserId])).toEqual(before);
    });

    it('refuses a bad body or an outdated preview, and changes nothing', async () => {
      const before = await rowsNaming([sophie.entUserId]);
      const bad = await t.http.post(`/api/v1/privacy/people/${sophie.entUserId}/erasure`).set('Authorization', eraser).send({ confirmation: 'yes' }).expect(400);
      expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: expect.any(Array), requestId: expect.any(String) });
      const outdated = await t.http.post(`/api/v1/privacy/people/${sophie.entUserId}/erasure`).set('Authorization', eraser).send({ confirmation: '0'.repeat(32) }).expect(409);
      expect(outdated.body.code).toBe('ERASURE_PREVIEW_OUTDATED');
      expect(await rowsNaming([sophie.entUserId])).toEqual(before);
    });

    it('lists what goes first, then leaves no row naming the person but the kept audit, and keeps other tickets whole', async () => {
      const leaBefore = await leaTicketState();
      // She also chatted on the web chat's demo page, as herself.
      await t.app.get(WebchatSessions).open('203.0.113.9', sophie.entUserId);
      const preview = (await previewOf().expect(200)).body;
      expect(preview.remove).toMatchObject({ people: 1, chat_links: expect.any(Number), conversations: expect.any(Number), webchat_sessions: 1 });
      expect(preview.anonymise.tickets).toBeGreaterThanOrEqual(3);
      expect(preview.keep.account_audit_log).toBeGreaterThan(0);

      const res = await t.http.post(`/api/v1/privacy/people/${sophie.entUserId}/erasure`).set('Authorization', eraser).send({ confirmation: preview.confirmation }).expect(200);
      expect(res.body.counts).toMatchObject({ people: 1, tickets: preview.anonymise.tickets });
      expect(res.body.kept).toEqual(preview.keep);

      const hits = await rowsNaming([sophie.entUserId, sophie.displayName, sophieLogin]);
      expect(hits.filter((h) => h.table !== 'account_audit_log')).toEqual([]);
      expect(hits.length).toBe(preview.keep.account_audit_log);

      const leaAfter = await leaTicketState();
      expect(leaAfter.messages).toBe(leaBefore.messages);
      expect(leaAfter.events).toBe(leaBefore.events);
      expect(leaAfter.subject).toBe(leaBefore.subject);
      expect(leaAfter.requester).toBe(lea.displayName);
      expect(leaAfter.description).toBe('Ma maman [personne effacée] a essayé aussi, sans succès.');
      expect(leaAfter.bodies).toContain("J'ai appelé [personne effacée] au téléphone.");

      // The task is recorded: who asked, when, how many; never whom.
      const [task] = await db().query(`SELECT requested_by, counts FROM privacy_tasks WHERE kind = 'erasure'`);
      expect(task.requested_by).toBe('api-key:dpo erasure');
      expect(task.counts).toEqual(res.body.counts);
      // A second erasure finds nobody.
      expect((await previewOf().expect(404)).body.code).toBe('PERSON_NOT_FOUND');
    });

    async function leaTicketState() {
      const [ticket] = await db().query(`SELECT id, subject, description, requester_name FROM tickets WHERE reference = $1`, [leaTicket]);
      const messages = await db().query(`SELECT body FROM ticket_messages WHERE ticket_id = $1 ORDER BY created_at`, [ticket.id]);
      const [{ n }] = await db().query(`SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1`, [ticket.id]);
      return { subject: ticket.subject, description: ticket.description, requester: ticket.requester_name, messages: messages.length, bodies: messages.map((m: { body: string }) => m.body), events: n };
    }
  });

  describe('retention', () => {
    it('anonymises a closed ticket once the school year after its closing has ended in Paris, not before', async () => {
      const teacher = PEOPLE.teacher;
      const closed = await createTicket(t, writer, { requester: teacher, subject: 'Classe introuvable', description: 'Ma classe de CM2 a disparu.' });
      await transition(closed, director, 'close').expect(200);
      const open = await createTicket(t, writer, { requester: teacher, subject: 'Toujours ouvert', description: 'Ce ticket reste ouvert.' });
      // A conversation that became an open ticket, and one that only asked a question.
      const withTicket = await chatSession(teacher.entUserId);
      await withTicket.say("ma classe de CM1 n'apparaît plus sur l'ENT depuis la rentrée");
      await withTicket.pick('not_helped');
      await withTicket.pick('ticket:create');
      const idle = await chatSession(teacher.entUserId);
      await idle.say("j'ai oublié mon mot de passe de l'ENT");
      const conversationExists = async (externalId: string) => (await db().query(`SELECT count(*)::int AS n FROM conversations WHERE external_id = $1`, [externalId]))[0].n === 1;
      expect((await db().query(`SELECT count(*)::int AS n FROM tickets t JOIN conversations c ON t.requester_conversation = c.id::text WHERE c.external_id = $1 AND t.status <> 4`, [withTicket.externalId]))[0].n).toBe(1);
      const retention = t.app.get(Retention);
      const state = async (ref: string) => (await db().query(`SELECT requester_name, subject, anonymised_at FROM tickets WHERE reference = $1`, [ref]))[0];

      // Closed now: kept until the end of this school year (the 31st of August, Europe/Paris).
      await retention.run(new Date());
      expect((await state(closed)).requester_name).toBe(teacher.displayName);
      const closedAt = (await db().query(`SELECT updated_at FROM tickets WHERE reference = $1`, [closed]))[0].updated_at as Date;
      const year = closedAt.getUTCMonth() >= 8 ? closedAt.getUTCFullYear() + 1 : closedAt.getUTCFullYear();
      const endOfSchoolYear = new Date(`${year}-08-31T22:00:00Z`); // midnight in Paris, summer time

      const before = await retention.report(new Date(endOfSchoolYear.getTime() - 60_000));
      await retention.run(new Date(endOfSchoolYear.getTime() - 60_000));
      expect((await state(closed)).requester_name).toBe(teacher.displayName);
      const due = await retention.report(endOfSchoolYear);
      expect(due.due.tickets).toBeGreaterThan(before.due.tickets);

      const counts = await retention.run(endOfSchoolYear);
      expect(counts?.tickets).toBe(due.due.tickets);
      const after = await state(closed);
      expect(after).toMatchObject({ requester_name: '[anonyme]', subject: '[contenu anonymisé]' });
      expect(after.anonymised_at).not.toBeNull();
      expect((await state(open)).requester_name).toBe(teacher.displayName);
      expect(await conversationExists(idle.externalId)).toBe(false);
      expect(await conversationExists(withTicket.externalId)).toBe(true);
      expect(await db().query(`SELECT count(*)::int AS n FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.reference = $1 AND m.body LIKE '%CM2%'`, [closed])).toEqual([{ n: 0 }]);
      const [{ n: runs }] = await db().query(`SELECT count(*)::int AS n FROM privacy_tasks WHERE kind = 'retention'`);
      expect(runs).toBeGreaterThan(0);
      expect((await retention.report(endOfSchoolYear)).due.tickets).toBe(0);
    });

    it('says through npm run privacy:report what the next run would do; exports and erases through the CLI', async () => {
      const teacher = PEOPLE.teacher;
      const own: { id: string }[] = await db().query(`SELECT id FROM tickets WHERE requester_ent_id = $1`, [teacher.entUserId]);
      // The embedded database is one process at a time: the commands run once the service is gone.
      await t.close();
      const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...store.env }, encoding: 'utf8' });
      const report = cli('report');
      expect(report.status).toBe(0);
      expect(JSON.parse(report.stdout)).toMatchObject({ rule: { kind: 'school_year', endsOn: '08-31' }, timeZone: 'Europe/Paris', due: { tickets: 0 } });

      const exported = cli('export', teacher.entUserId);
      expect(exported.status).toBe(0);
      const ids = JSON.parse(exported.stdout).records.tickets.map((r: { id: string }) => r.id);
      expect(ids).toEqual(expect.arrayContaining(own.map((r) => r.id)));

      const preview = cli('erase', teacher.entUserId);
      expect(preview.status).toBe(0);
      const { confirmation } = JSON.parse(preview.stdout);
      expect(cli('erase', teacher.entUserId, '--confirm', '0'.repeat(32)).status).toBe(1);
      const erased = cli('erase', teacher.entUserId, '--confirm', confirmation, '--by', 'dpo');
      expect(erased.status).toBe(0);
      expect(JSON.parse(erased.stdout).counts.people).toBe(1);
      expect(cli('export', 'a b').status).toBe(2);

      t = await TestApp.start(store);
      const [task] = await db().query(`SELECT requested_by FROM privacy_tasks WHERE kind = 'erasure' AND requested_by LIKE 'cli:%'`);
      expect(task.requested_by).toBe('cli:dpo');
      expect((await rowsNaming([teacher.entUserId, teacher.displayName])).filter((h) => h.table !== 'account_audit_log')).toEqual([]);
    });
  });
});
