import { readDirectoryFile } from '../src/directory/directory-import';
import { DEMO_DIRECTORY_FILE, DEMO_TICKETS } from '../src/demo/demo-data';
import { INTENT_IDS, INTENT_SPEC, OTHER_INTENT } from '../src/routing/intents';
import { KnowledgeBase } from '../src/kb/knowledge-base';
import { matchingRow, routeFor } from '../src/routing/route-table';
import { Profile, PROFILES } from '../src/directory/profiles';
import { createTicket, JEAN_MOULIN, PEOPLE } from './factories/ticket.factory';
import { eventually } from './support/http-target';
import { DRIVERS, TestApp, TestStore } from './support/test-app';
import { DataSource } from 'typeorm';

/** Directory ids as the demo import stored them. */
async function directoryIds(t: TestApp) {
  const db = t.app.get(DataSource);
  const schools: { structure_id: string; id: string; circonscription_id: string }[] = await db.query('SELECT structure_id, id, circonscription_id FROM schools');
  const [{ id: academyId }] = await db.query('SELECT id FROM academies');
  return { school: new Map(schools.map((s) => [s.structure_id, s])), academyId: academyId as string };
}

describe(`routing and escalation (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let store: TestStore;
  let t: TestApp;
  let writer: string;
  let backOffice: string;
  let ids: Awaited<ReturnType<typeof directoryIds>>;

  beforeAll(async () => {
    store = await TestStore.create();
    t = await TestApp.start(store);
    writer = await t.apiKey(['tickets:read', 'tickets:write', 'act_as']);
    backOffice = await t.apiKey(['tickets:read_all']);
    ids = await directoryIds(t);
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
  });

  const as = (person: { entUserId: string }) => ({ 'X-On-Behalf-Of': person.entUserId });
  const read = async (reference: string) => (await t.http.get(`/api/v1/tickets/${reference}`).set('Authorization', backOffice).expect(200)).body;
  const expectedQueue = (tier: string, structureId: string) => {
    const school = ids.school.get(structureId)!;
    return {
      school_admin: { kind: 'school', id: school.id },
      school_director: { kind: 'school', id: school.id },
      erun: { kind: 'circonscription', id: school.circonscription_id },
      academic_support: { kind: 'academy', id: ids.academyId },
      editor_support: { kind: 'editor', id: null },
      educonnect_national: { kind: 'none', id: null },
    }[tier];
  };

  describe('on creation', () => {
    it('places the demo tickets of every profile where the routing table says, visible through the API', async () => {
      const people = new Map(readDirectoryFile(DEMO_DIRECTORY_FILE).people.map((p) => [p.entUserId, p]));
      const list = await t.http.get('/api/v1/tickets?pageSize=100').set('Authorization', backOffice).expect(200);
      const demo = list.body.items.filter((i: { subject: string }) => DEMO_TICKETS.some((d) => d.subject === i.subject));
      expect(demo).toHaveLength(DEMO_TICKETS.length);
      expect(new Set(demo.map((i: { requester: { profile: string } }) => i.requester.profile))).toEqual(new Set(PROFILES));
      for (const ticket of demo) {
        const profile = people.get(ticket.requester.entUserId)!.profile!;
        expect({ ref: ticket.reference, tier: ticket.tier }).toEqual({ ref: ticket.reference, tier: routeFor(ticket.intent, profile) });
        expect(ticket.queue).toEqual(expectedQueue(ticket.tier, ticket.school.structureId));
      }
      // The parent's ÉduConnect question is not ours: redirected, with the directions in the ticket.
      const educonnect = demo.find((i: { tier: string }) => i.tier === 'educonnect_national');
      expect(educonnect).toMatchObject({ requester: { profile: 'Relative' }, status: 'resolved', queue: { kind: 'none' }, assigneeGroup: null });
      expect(educonnect.sla).toMatchObject({ firstResponseDueAt: null, resolutionDueAt: null });
      const detail = await read(educonnect.reference);
      expect(detail.messages).toEqual([expect.objectContaining({ author: { id: 'relais', name: 'Relais' }, body: expect.stringContaining('ÉduConnect') })]);
      // Every other demo ticket waits in a queue, with its deadlines.
      for (const ticket of demo.filter((i: { tier: string }) => i.tier !== 'educonnect_national')) {
        expect(ticket.assigneeGroup).not.toBeNull();
        expect(new Date(ticket.sla.resolutionDueAt).getTime()).toBeGreaterThan(new Date(ticket.sla.firstResponseDueAt).getTime());
      }
    });

    it.each([
      ['a pupil', PEOPLE.pupil, 'school_admin', 'school_admin'],
      ['a teacher asking about usage', { ...PEOPLE.teacher }, 'erun', 'erun'],
      ['someone of unknown profile', { entUserId: 'anonymous-1', displayName: 'Visiteur' }, 'school_admin', 'school_admin'],
    ])('routes %s', async (_, requester, tier, group) => {
      const subject = tier === 'erun' ? 'Partager un dossier avec mes collègues' : "Je n'arrive pas à me connecter";
      const description = tier === 'erun' ? "Comment partager un dossier de l'espace documentaire avec les collègues du cycle 3 ?" : "Mon mot de passe ne marche plus sur l'ENT.";
      const reference = await createTicket(t, writer, { requester, subject, description });
      const ticket = await read(reference);
      expect(ticket.tier).toBe(routeFor(ticket.intent, ticket.requester.profile));
      expect({ tier: ticket.tier, group: ticket.assigneeGroup }).toEqual({ tier, group });
      expect(ticket.queue).toEqual(expectedQueue(tier, JEAN_MOULIN.structureId));
    });

    describe('each row of the routing table', () => {
      const table = INTENT_SPEC.routes.table;
      /** A concrete profile for the row's pattern. */
      const profileFor = (pattern: string | null) => (pattern === '*' || pattern === 'PEN' ? 'Teacher' : pattern) as Profile | null;
      /** A request this row decides: an intent the row matches first, asked in the words of its article. */
      const requestFor = (row: number) => {
        const profile = profileFor(table[row].profile);
        const intent = INTENT_IDS.find((id) => matchingRow(id, profile) === row)!;
        const kb = t.app.get(KnowledgeBase);
        // "other" has no article: an out-of-scope question stands for it.
        const text = intent === OTHER_INTENT ? 'Quelle est la date de la prochaine réunion parents-professeurs ?' : kb.article(intent)!.examples[0];
        return { profile, intent, text };
      };

      it.each(table.map((rule, row) => [row, rule.intent ?? rule.category ?? 'any request', rule.profile ?? 'unknown profile', rule.route]))(
        'row %i (%s from %s) sends the ticket to %s',
        async (row, _what, _who, tier) => {
          const { profile, intent, text } = requestFor(row as number);
          const requester = { entUserId: `routing-row-${row}`, displayName: 'Personne Test', ...(profile ? { profile } : {}) };
          const reference = await createTicket(t, writer, { requester, subject: text.slice(0, 120), description: text });
          const ticket = await read(reference);
          expect({ intent: ticket.intent, tier: ticket.tier }).toEqual({ intent, tier });
          expect(ticket.queue).toEqual(expectedQueue(tier as string, JEAN_MOULIN.structureId));
        },
      );
    });

    it('tells the assignee group and the requester, through the outbox', async () => {
      const reference = await createTicket(t, writer, { requester: PEOPLE.pupil, subject: 'mot de passe oublié', description: "j'ai oublié mon mot de passe" });
      const db = t.app.get(DataSource);
      const rows = await eventually(async () => {
        const found: { event: string; address: string; channel: string; state: string }[] = await db.query(
          `SELECT o.event_type AS event, o.address->>'kind' AS address, o.channel, o.state
             FROM outbox o JOIN tickets t ON t.id = o.ticket_id WHERE t.reference = $1 ORDER BY o.address->>'kind'`,
          [reference],
        );
        return found.length === 2 && found.every((r) => r.state === 'delivered') && found;
      }, 10_000, 'both notifications delivered');
      // No chat adapter or outside channel here: both are kept on the history, with their text.
      expect(rows).toEqual([
        { event: 'created', address: 'group', channel: 'history', state: 'delivered' },
        { event: 'created', address: 'requester', channel: 'history', state: 'delivered' },
      ]);
      const history = (await t.http.get(`/api/v1/tickets/${reference}/history`).set('Authorization', backOffice).expect(200)).body.items;
      expect(history.map((e: { type: string }) => e.type)).toEqual(['created', 'notification_delivered', 'notification_delivered']);
      const told = (address: string) => history.find((e: { after: { address?: string } }) => e.after.address === address).after;
      expect(told('requester')).toMatchObject({
        channel: 'history',
        event: history[0].seq,
        text: expect.stringMatching(new RegExp(`^Votre demande a bien été enregistrée sous la référence ${reference}\\. L'administrateur ENT de l'école va la traiter\\.$`)),
      });
      expect(told('group').text).toBe(`Nouveau ticket ${reference} (mineur)\u00a0: «\u00a0mot de passe oublié\u00a0», de Léa Lambert.`);
    });
  });

  describe('manual escalation', () => {
    let reference: string;
    beforeAll(async () => {
      reference = await createTicket(t, writer, { requester: PEOPLE.pupil, subject: 'mot de passe oublié', description: "j'ai oublié mon mot de passe, je ne peux plus aller sur l'ENT" });
    });
    const escalate = (ref: string, who: { entUserId: string }, body: unknown) =>
      t.http.post(`/api/v1/tickets/${ref}/escalations`).set('Authorization', writer).set(as(who)).send(body as object);

    it('needs a reason', async () => {
      const res = await escalate(reference, PEOPLE.directorJeanMoulin, {}).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path: 'reason' })] });
      expect((await read(reference)).tier).toBe('school_admin');
    });

    it('is refused to the requester, and invisible to strangers', async () => {
      await escalate(reference, PEOPLE.pupil, { reason: 'personne ne répond' }).expect(403);
      await escalate(reference, PEOPLE.stranger, { reason: 'personne ne répond' }).expect(404);
      expect((await read(reference)).tier).toBe('school_admin');
    });

    it('climbs school admin → ERUN → academic support, each step in the history', async () => {
      const toErun = await escalate(reference, PEOPLE.directorJeanMoulin, { reason: "Compte élève introuvable dans la console d'administration" }).expect(200);
      expect(toErun.body).toMatchObject({ tier: 'erun', assigneeGroup: 'erun', escalationStatus: 'successful', escalationStatusCode: 3, assignee: null });
      expect(toErun.body.queue).toEqual(expectedQueue('erun', JEAN_MOULIN.structureId));

      const toSsu = await escalate(reference, PEOPLE.erunValFleuri, { reason: "Problème d'annuaire académique" }).expect(200);
      expect(toSsu.body).toMatchObject({ tier: 'academic_support', queue: { kind: 'academy', id: ids.academyId } });
      // The incident tool (here the ticket's history) takes it: in progress, then successful.
      expect(['in_progress', 'successful']).toContain(toSsu.body.escalationStatus);
      const history = await t.http.get(`/api/v1/tickets/${reference}/history`).set('Authorization', backOffice).expect(200);
      const escalations = history.body.items.filter((e: { type: string; after: { reason?: string } }) => e.type === 'escalated' && e.after.reason);
      expect(escalations.map((e: { before: { tier: string }; after: { tier: string } }) => [e.before.tier, e.after.tier])).toEqual([
        ['school_admin', 'erun'],
        ['erun', 'academic_support'],
      ]);
      expect(escalations[0].actor).toMatchObject({ id: PEOPLE.directorJeanMoulin.entUserId });
    });

    it('stops at the top of the ladder', async () => {
      const res = await escalate(reference, PEOPLE.erunValFleuri, { reason: 'encore plus haut' }).expect(409);
      expect(res.body).toMatchObject({ code: 'ESCALATION_REFUSED', tier: 'academic_support' });
    });

    it('is refused for a ticket that is not new or opened', async () => {
      const other = await createTicket(t, writer, { requester: PEOPLE.pupil });
      await t.http.post(`/api/v1/tickets/${other}/transitions`).set('Authorization', writer).set(as(PEOPLE.directorJeanMoulin)).send({ action: 'wait_for_user' }).expect(200);
      const res = await escalate(other, PEOPLE.directorJeanMoulin, { reason: "pas de réponse de l'élève" }).expect(409);
      expect(res.body).toMatchObject({ code: 'ESCALATION_REFUSED', status: 'waiting_for_user' });
      expect((await read(other)).tier).toBe('school_admin');
    });
  });

  describe('forwarding to the editor support', () => {
    const forward = (ref: string, who: { entUserId: string }) =>
      t.http.post(`/api/v1/tickets/${ref}/forward`).set('Authorization', writer).set(as(who)).send({ reason: 'Erreur 500 sur le blog de la classe' });

    it("is for the school's director or ENT admin only", async () => {
      const reference = await createTicket(t, writer, { requester: PEOPLE.pupil });
      await forward(reference, PEOPLE.erunValFleuri).expect(403);
      await forward(reference, PEOPLE.pupil).expect(403);
      const res = await forward(reference, PEOPLE.directorJeanMoulin).expect(200);
      expect(res.body).toMatchObject({ tier: 'editor_support', queue: { kind: 'editor', id: null }, assigneeGroup: 'editor_support' });
      // The editor's support now sees it; forwarding twice is refused.
      await t.http.get(`/api/v1/tickets/${reference}`).set('Authorization', writer).set({ 'X-On-Behalf-Of': 'demo-editor-support' }).expect(200);
      await forward(reference, PEOPLE.directorJeanMoulin).expect(409);
    });
  });
});
