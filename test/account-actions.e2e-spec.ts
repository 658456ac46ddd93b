import { AccountsClient, codesIssued, linkEveryone } from './support/account-actors';
import { DEMO_PASSWORD, ENT_KINDS, EntKind, EntUnderTest } from './support/ent-under-test';
import { MovingClock } from './support/moving-clock';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

type Res = { status: number; body: Record<string, unknown> & { userMessage?: string; reason?: string; code?: string } };

function expectRefused(res: Res, reason: string, words?: RegExp): void {
  expect({ status: res.status, code: res.body.code, reason: res.body.reason }).toEqual({ status: 403, code: 'ACCOUNT_ACTION_REFUSED', reason });
  expect(typeof res.body.userMessage).toBe('string');
  if (words) expect(res.body.userMessage).toMatch(words);
}

/**
 * Every branch of the account-action policy, allowed and refused, through the
 * HTTP API with identities linked the way people link them, on both ENT
 * adapters. A refusal by Relais never reaches the ENT; what the ENT does is
 * checked on the ENT itself (logins with the codes, blocked logins).
 */
describe.each(ENT_KINDS)(`account actions on the %s ENT (${DRIVERS.database} + ${DRIVERS.queue})`, (kind: EntKind) => {
  const clock = new MovingClock(new Date('2026-03-02T08:00:00Z'));
  let ent: EntUnderTest;
  let store: TestStore;
  let t: TestApp;
  let api: AccountsClient;
  let auditor: string;

  beforeAll(async () => {
    ent = await EntUnderTest.start(kind, clock);
    store = await TestStore.create({ ...ent.env(), ACCOUNT_ACTIONS_ACTOR_LIMIT: '12' });
    t = await TestApp.start(store, { clock });
    ent.attach(t);
    api = new AccountsClient(t, await t.apiKey(['accounts:act', 'act_as']));
    auditor = await t.apiKey(['accounts:audit']);
    await linkEveryone(ent, await t.apiKey(['accounts:link']));
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
    await ent?.close();
  });

  /** Runs a refused request and checks that the ENT issued no code meanwhile. */
  async function refusedBeforeTheEnt(run: () => Promise<Res>, reason: string, words?: RegExp): Promise<Res> {
    const before = await codesIssued(t, ent);
    const res = await run();
    expectRefused(res, reason, words);
    expect(await codesIssued(t, ent)).toBe(before);
    return res;
  }

  describe('renewal codes', () => {
    it('lets a teacher give one to a pupil of their class: the code works once on the ENT, with the words to hand it over', async () => {
      const preview = await api.preview('julien', { action: 'renewal_code', target: { login: 'lea.lambert' } });
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({ kind: 'confirm', action: 'renewal_code', target: { login: 'lea.lambert', classes: ['CM1 A'] } });
      expect(preview.body.text).toMatch(/Léa Lambert/);
      expect(JSON.stringify(preview.body)).not.toMatch(/renewalCode/);
      const done = await api.confirm('julien', preview.body.confirmation.token);
      expect(done.status).toBe(200);
      const code = done.body.renewalCode as string;
      expect(code).toMatch(/^[a-z0-9]{8}$/);
      expect(done.body.text).toContain(code);
      expect(done.body.handOver).toMatch(/en personne/);
      expect(done.body.handOver).toMatch(/24\u00a0heures|24 heures/);
      const login = await ent.login('lea.lambert', code);
      if (login.kind !== 'reset') throw new Error(`expected the reset page, got ${login.kind}`);
      expect(await login.choose('Lea-nouveau1')).toBe('done');
      expect((await ent.login('lea.lambert', code)).kind).toBe('refused');
    });

    it('lets the school’s ENT admin, the super admin, and anyone entitled to a manual account have one', async () => {
      expect((await api.perform('claire', { action: 'renewal_code', target: { login: 'tom.girard' } })).body.renewalCode).toMatch(/^[a-z0-9]{8}$/);
      expect((await api.perform('admin', { action: 'renewal_code', target: { login: 'yanis.benali' } })).body.renewalCode).toMatch(/^[a-z0-9]{8}$/);
      expect((await api.perform('claire', { action: 'renewal_code', target: { login: 'paul.durand' } })).body.renewalCode).toMatch(/^[a-z0-9]{8}$/);
      expect((await api.perform('claire', { action: 'renewal_code', target: { login: 'famille.accueil' } })).body.renewalCode).toMatch(/^[a-z0-9]{8}$/);
    });

    it('finds the account by name within a school, and asks which one when several match', async () => {
      const several = await api.preview('claire', { action: 'renewal_code', target: { name: 'Lambert', structureId: 'struct-jean-moulin' } });
      expect(several.body).toMatchObject({ kind: 'choose' });
      expect((several.body.candidates as { login: string }[]).map((c) => c.login).sort()).toEqual(['lea.lambert', 'sophie.lambert']);
      expect(several.body.confirmation).toBeUndefined();
      const one = await api.preview('claire', { action: 'renewal_code', target: { name: 'Tom Girard', structureId: 'struct-jean-moulin' } });
      expect(one.body).toMatchObject({ kind: 'confirm', target: { login: 'tom.girard' } });
    });

    it('refuses a teacher of another class, and an admin of another school, before asking the ENT', async () => {
      await refusedBeforeTheEnt(() => api.preview('ines', { action: 'renewal_code', target: { login: 'lea.lambert' } }), 'no_code_right', /enseignant de sa classe/);
      // Another school's people are not even visible to her.
      const hidden = await api.preview('nadia', { action: 'renewal_code', target: { login: 'lea.lambert' } });
      expect(hidden.status).toBe(404);
      expect(hidden.body).toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
      expect(hidden.body.userMessage).toMatch(/aucun compte/);
    });

    it('never gives one for an admin account, not even to the super admin', async () => {
      await refusedBeforeTheEnt(() => api.preview('admin', { action: 'renewal_code', target: { login: 'claire.dubois' } }), 'target_is_admin', /administrateur/);
    });

    it('sends staff to their credentials path: academic ones in primary, the ENT admin in secondary', async () => {
      await refusedBeforeTheEnt(() => api.preview('claire', { action: 'renewal_code', target: { login: 'julien.moreau' } }), 'staff_credentials', /portail académique/);
      await refusedBeforeTheEnt(() => api.preview('nadia', { action: 'renewal_code', target: { login: 'elodie.marchand' } }), 'staff_credentials', /administrateur ENT de l’établissement|administrateur ENT de l'établissement/);
    });

    it('sends parents to ÉduConnect', async () => {
      await refusedBeforeTheEnt(() => api.preview('claire', { action: 'renewal_code', target: { login: 'sophie.lambert' } }), 'parent_educonnect', /ÉduConnect/);
    });

    it('answers a never-activated account with its activation path', async () => {
      await refusedBeforeTheEnt(() => api.preview('claire', { action: 'renewal_code', target: { login: 'hugo.leroy' } }), 'not_activated', /code d'activation/);
    });

    it('refuses a blocked account, and one’s own account', async () => {
      await refusedBeforeTheEnt(() => api.preview('marc', { action: 'renewal_code', target: { login: 'jade.roux' } }), 'target_blocked', /bloqué/);
      await refusedBeforeTheEnt(() => api.preview('julien', { action: 'renewal_code', target: { login: 'julien.moreau' } }), 'self_target', /mot de passe oublié/);
    });

    it('refuses anyone whose chat identity is not linked, and an ENT person who never linked', async () => {
      await refusedBeforeTheEnt(() => api.preview({ anonymous: 'visitor-1' }, { action: 'renewal_code', target: { login: 'lea.lambert' } }), 'not_linked', /relier/);
      await refusedBeforeTheEnt(() => api.preview({ ent: 'demo-teacher-veil-unknown' }, { action: 'renewal_code', target: { login: 'lea.lambert' } }), 'not_linked');
    });

    it('acts for an ENT person named by a trusted integration, with that person’s own grant', async () => {
      const done = await api.perform({ ent: 'demo-director-jm' }, { action: 'renewal_code', target: { login: 'famille.accueil' } });
      expect(done.status).toBe(200);
      expect(done.body.renewalCode).toMatch(/^[a-z0-9]{8}$/);
    });
  });

  describe('who the call acts for', () => {
    const preview = (key: string, headers: Record<string, string>, login = 'famille.accueil') =>
      t.http.post('/api/v1/accounts/actions/preview').set('Authorization', key).set(headers).send({ action: 'renewal_code', target: { login } });

    it('needs act_as to name a person or a chat identity, and a personal key acts for its person only', async () => {
      const plain = await t.apiKey(['accounts:act']);
      expect((await preview(plain, { 'X-Chat-Identity': 'slack:T0DEMO:UCLAIRE' })).body).toMatchObject({ code: 'FORBIDDEN_SCOPE' });
      expect((await preview(plain, { 'X-On-Behalf-Of': 'demo-director-jm' })).status).toBe(403);
      expect((await preview(plain, {})).body).toMatchObject({ code: 'ACTOR_REQUIRED' });
      const claires = await t.apiKey(['accounts:act'], 'Claire’s own key', { person: 'demo-director-jm' });
      const own = await preview(claires, {});
      expect(own.body).toMatchObject({ kind: 'confirm', target: { login: 'famille.accueil' } });
      expect((await preview(claires, { 'X-Chat-Identity': 'slack:T0DEMO:UJULIEN' })).status).toBe(400);
    });

    it('keeps a key limited to a school within that school', async () => {
      const veilOnly = await t.apiKey(['accounts:act', 'act_as'], 'Simone-Veil integration', { actAsWithin: { kind: 'school', id: 'struct-simone-veil' } });
      const outside = await preview(veilOnly, { 'X-Chat-Identity': 'slack:T0DEMO:UADMIN' }, 'tom.girard');
      expect(outside.status).toBe(404);
      expect(outside.body).toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
      expect((await preview(veilOnly, { 'X-Chat-Identity': 'slack:T0DEMO:UADMIN' }, 'yanis.benali')).body).toMatchObject({ kind: 'confirm' });
      const anonymous = await t.http
        .post('/api/v1/accounts/actions/preview')
        .set('Authorization', veilOnly)
        .set('X-Chat-Identity', 'webchat:visitor-limit')
        .send({ action: 'self_reset', login: 'lea.lambert', structureId: 'struct-jean-moulin' });
      expect(anonymous.status).toBe(404);
    });
  });

  describe('block and unblock', () => {
    it('lets the school’s ENT admin block with a reason (the login is refused) and unblock (it works again)', async () => {
      const preview = await api.preview('claire', { action: 'block', target: { login: 'tom.girard' }, reason: 'Messages insultants dans le blog de la classe' });
      expect(preview.body).toMatchObject({ kind: 'confirm', action: 'block' });
      expect(preview.body.text).toMatch(/Messages insultants/);
      const blocked = await api.confirm('claire', preview.body.confirmation.token);
      expect(blocked.status).toBe(200);
      expect(blocked.body.target).toMatchObject({ blocked: true });
      expect((await ent.login('tom.girard', DEMO_PASSWORD)).kind).toBe('refused');
      const unblocked = await api.perform('claire', { action: 'unblock', target: { login: 'tom.girard' } });
      expect(unblocked.status).toBe(200);
      expect((await ent.login('tom.girard', DEMO_PASSWORD)).kind).toBe('logged_in');
    });

    it('lets the super admin block and unblock anywhere', async () => {
      expect((await api.perform('admin', { action: 'block', target: { login: 'yanis.benali' }, reason: 'Compte utilisé par un tiers' })).status).toBe(200);
      expect((await api.perform('admin', { action: 'unblock', target: { login: 'yanis.benali' } })).status).toBe(200);
    });

    it('refuses teachers', async () => {
      expectRefused(await api.preview('julien', { action: 'block', target: { login: 'lea.lambert' }, reason: 'Bavardages en ligne' }), 'no_block_right', /administrateur ENT/);
    });

    it('needs a reason to block', async () => {
      expectRefused(await api.preview('claire', { action: 'block', target: { login: 'tom.girard' } }), 'block_reason_required', /motif/);
      expectRefused(await api.preview('claire', { action: 'block', target: { login: 'tom.girard' }, reason: '  ' }), 'block_reason_required');
    });

    it('says when there is nothing to do', async () => {
      expectRefused(await api.preview('marc', { action: 'block', target: { login: 'jade.roux' }, reason: 'Départ de l’école' }), 'already_blocked');
      expectRefused(await api.preview('claire', { action: 'unblock', target: { login: 'lea.lambert' } }), 'not_blocked');
    });

    it('explains that a mass block by profile is lifted for the whole profile', async () => {
      const res = await api.preview('marc', { action: 'unblock', target: { login: 'jade.roux' } });
      expectRefused(res, 'mass_block', /Blocage en lot/);
      expect(res.body.userMessage).toMatch(/élèves/);
      expect((await ent.login('jade.roux', DEMO_PASSWORD)).kind).toBe('refused');
    });
  });

  describe('self-service reset', () => {
    it('offers a linked pupil the ENT’s own reset to the channels on file, masked, and sends it where they choose', async () => {
      const preview = await api.preview('tom', { action: 'self_reset' });
      expect(preview.body).toMatchObject({ kind: 'confirm', action: 'self_reset' });
      const channels = preview.body.channels as { service: string; masked: string }[];
      expect(channels.map((c) => c.service)).toEqual(['mail', 'mobile']);
      expect(JSON.stringify(preview.body)).not.toContain('tom.girard@exemple.fr');
      expect(JSON.stringify(preview.body)).not.toContain('0698765432');
      const unchosen = await api.confirm('tom', preview.body.confirmation.token);
      expectRefused(unchosen, 'channel_required', /e-mail ou au téléphone/);
      const sent = await api.confirm('tom', preview.body.confirmation.token, 'mail');
      expect(sent.status).toBe(200);
      expect(sent.body.renewalCode).toBeUndefined();
      expect(sent.body.text).toContain(channels[0].masked);
      const [code] = await ent.mailbox('tom.girard@exemple.fr');
      expect(JSON.stringify(sent.body)).not.toContain(code);
      const login = await ent.login('tom.girard', code);
      if (login.kind !== 'reset') throw new Error(`expected the reset page, got ${login.kind}`);
      expect(await login.choose(DEMO_PASSWORD)).toBe('done');
    });

    it('sends staff and parents to their own path', async () => {
      expectRefused(await api.preview('julien', { action: 'self_reset' }), 'staff_credentials', /Vous vous connectez.*portail académique/s);
      expectRefused(await api.preview('elodie', { action: 'self_reset' }), 'staff_credentials', /administrateur ENT de l'établissement/);
      expectRefused(await api.preview('sophie', { action: 'self_reset' }), 'parent_educonnect', /ÉduConnect/);
      expectRefused(await api.preview({ anonymous: 'visitor-2' }, { action: 'self_reset', login: 'julien.moreau', structureId: 'struct-jean-moulin', profile: 'Teacher' }), 'staff_credentials');
      expectRefused(await api.preview({ anonymous: 'visitor-2' }, { action: 'self_reset', login: 'sophie.lambert', structureId: 'struct-jean-moulin', profile: 'Relative' }), 'parent_educonnect');
    });

    it('asks an unlinked person for the login and the school, and never looks the account up for them', async () => {
      expectRefused(await api.preview({ anonymous: 'visitor-3' }, { action: 'self_reset' }), 'login_required', /identifiant/);
      expectRefused(await api.preview({ anonymous: 'visitor-3' }, { action: 'self_reset', login: 'lea.lambert' }), 'structure_required', /école/);
      const unknown = await api.preview({ anonymous: 'visitor-3' }, { action: 'self_reset', login: 'personne.inconnue', structureId: 'struct-jean-moulin' });
      const known = await api.preview({ anonymous: 'visitor-3' }, { action: 'self_reset', login: 'tom.girard', structureId: 'struct-jean-moulin' });
      expect(unknown.body).toMatchObject({ kind: 'confirm', action: 'approval_request' });
      expect(known.body).toMatchObject({ kind: 'confirm', action: 'approval_request' });
      expect(known.body.text).toBe((unknown.body.text as string).replace('personne.inconnue', 'tom.girard'));
    });
  });

  describe('approvals', () => {
    it('sends a linked pupil with nothing on file to their teacher, who alone receives the code, once', async () => {
      const preview = await api.preview('lea', { action: 'self_reset' });
      expect(preview.body).toMatchObject({ kind: 'confirm', action: 'approval_request' });
      expect(preview.body.text).toMatch(/Aucune adresse e-mail/);
      const requested = await api.confirm('lea', preview.body.confirmation.token);
      expect(requested.status).toBe(200);
      expect(requested.body.renewalCode).toBeUndefined();
      const id = requested.body.approvalId as string;

      const duplicate = await api.preview('lea', { action: 'self_reset' });
      expectRefused(duplicate, 'approval_pending');

      const forJulien = await api.pending('julien');
      expect((forJulien.body as unknown as { id: string }[]).map((a) => a.id)).toContain(id);
      expect((await api.pending('claire')).body).toEqual(expect.arrayContaining([expect.objectContaining({ id, targetLogin: 'lea.lambert', schoolName: 'École élémentaire Jean-Moulin' })]));
      expect((await api.pending('ines')).body).toEqual([]);
      expectRefused(await api.approve('ines', id), 'not_an_approver');
      expectRefused(await api.approve({ anonymous: 'visitor-4' }, id), 'not_linked');

      const approval = await api.approve('julien', id);
      expect(approval.body).toMatchObject({ kind: 'confirm', action: 'approve', target: { login: 'lea.lambert' } });
      const approved = await api.confirm('julien', approval.body.confirmation.token);
      expect(approved.status).toBe(200);
      const code = approved.body.renewalCode as string;
      expect(code).toMatch(/^[a-z0-9]{8}$/);
      expect(approved.body.handOver).toMatch(/vérifié son identité/);

      const again = await api.approve('claire', id);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'APPROVAL_DECIDED' });
      expect(again.body.userMessage).toMatch(/déjà été traitée/);
      expect((await api.pending('julien')).body).toEqual([]);

      const login = await ent.login('lea.lambert', code);
      if (login.kind !== 'reset') throw new Error(`expected the reset page, got ${login.kind}`);
      expect(await login.choose('Lea-encore2')).toBe('done');
    });

    it('sends an unlinked request to the school’s ENT admin, who may refuse it, once', async () => {
      const requested = await api.perform({ anonymous: 'visitor-5' }, { action: 'self_reset', login: 'tom.girard', structureId: 'struct-jean-moulin' });
      const id = requested.body.approvalId as string;
      expect((await api.pending('claire')).body).toEqual(expect.arrayContaining([expect.objectContaining({ id, requesterChannel: 'webchat' })]));
      // Without the pupil's classes, the request is the school's: teachers do not see it.
      expect((await api.pending('julien')).body).toEqual([]);
      const refused = await api.refuse('claire', id);
      expect(refused.status).toBe(200);
      expect(refused.body.text).toMatch(/refusée/);
      expect((await api.refuse('claire', id)).status).toBe(409);
      expect((await api.approve('claire', id)).status).toBe(409);
    });

    it('refuses approving an account the approver may not give a code to', async () => {
      const requested = await api.perform({ anonymous: 'visitor-6' }, { action: 'self_reset', login: 'julien.moreau', structureId: 'struct-jean-moulin' });
      const id = requested.body.approvalId as string;
      await refusedBeforeTheEnt(() => api.approve('claire', id), 'staff_credentials');
      expect((await api.refuse('claire', id)).status).toBe(200);
    });

    it('withdraws an approval nobody decided within a day', async () => {
      const requested = await api.perform({ anonymous: 'visitor-7' }, { action: 'self_reset', login: 'famille.accueil', structureId: 'struct-jean-moulin' });
      const id = requested.body.approvalId as string;
      clock.advance(24 * 3_600_000 + 60_000);
      expect((await api.approve('claire', id)).status).toBe(409);
      expect(((await api.pending('claire')).body as unknown as { id: string }[]).map((a) => a.id)).not.toContain(id);
    });
  });

  describe('confirmations', () => {
    it('are single use', async () => {
      const preview = await api.preview('claire', { action: 'renewal_code', target: { login: 'paul.durand' } });
      const first = await api.confirm('claire', preview.body.confirmation.token);
      expect(first.status).toBe(200);
      const before = await codesIssued(t, ent);
      const second = await api.confirm('claire', preview.body.confirmation.token);
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({ code: 'CONFIRMATION_USED' });
      expect(second.body.userMessage).toMatch(/déjà servi/);
      expect(second.body.renewalCode).toBeUndefined();
      expect(await codesIssued(t, ent)).toBe(before);
    });

    it('expire after two minutes, and nothing is done', async () => {
      const preview = await api.preview('claire', { action: 'block', target: { login: 'lea.lambert' }, reason: 'Vérification du compte' });
      clock.advance(2 * 60_000 + 1_000);
      const late = await api.confirm('claire', preview.body.confirmation.token);
      expect(late.status).toBe(410);
      expect(late.body).toMatchObject({ code: 'CONFIRMATION_EXPIRED' });
      expect(late.body.userMessage).toMatch(/2\u00a0minutes|2 minutes/);
      expect((await ent.login('lea.lambert', 'Lea-encore2')).kind).toBe('logged_in');
    });

    it('belong to the actor who saw the preview', async () => {
      const preview = await api.preview('claire', { action: 'renewal_code', target: { login: 'tom.girard' } });
      const stolen = await api.confirm('julien', preview.body.confirmation.token);
      expect(stolen.status).toBe(404);
      expect(stolen.body).toMatchObject({ code: 'CONFIRMATION_NOT_FOUND' });
      const made_up = await api.confirm('claire', 'A'.repeat(43));
      expect(made_up.status).toBe(404);
      const malformed = await api.confirm('claire', 'short');
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });

  describe('rate limits', () => {
    it('allow three codes or resets a day for one account, whoever asks', async () => {
      clock.advance(25 * 3_600_000); // a fresh window
      expect((await api.perform('julien', { action: 'renewal_code', target: { login: 'tom.girard' } })).status).toBe(200);
      expect((await api.perform('claire', { action: 'renewal_code', target: { login: 'tom.girard' } })).status).toBe(200);
      expect((await api.perform('tom', { action: 'self_reset' }, 'mobile')).status).toBe(200);
      const preview = await api.preview('claire', { action: 'renewal_code', target: { login: 'tom.girard' } });
      const before = await codesIssued(t, ent);
      const fourth = await api.confirm('claire', preview.body.confirmation.token);
      expect(fourth.status).toBe(429);
      expect(fourth.body).toMatchObject({ code: 'RATE_LIMITED', limit: 'target' });
      expect(fourth.body.userMessage).toMatch(/3 codes/);
      expect(await codesIssued(t, ent)).toBe(before);
      clock.advance(24 * 3_600_000 + 60_000);
      expect((await api.perform('claire', { action: 'renewal_code', target: { login: 'tom.girard' } })).status).toBe(200);
    });

    it('limit each actor per hour (ACCOUNT_ACTIONS_ACTOR_LIMIT)', async () => {
      clock.advance(2 * 3_600_000);
      for (let i = 0; i < 6; i++) {
        expect((await api.perform('admin', { action: 'block', target: { login: 'yanis.benali' }, reason: `Contrôle ${i}` })).status).toBe(200);
        expect((await api.perform('admin', { action: 'unblock', target: { login: 'yanis.benali' } })).status).toBe(200);
      }
      const over = await api.perform('admin', { action: 'block', target: { login: 'yanis.benali' }, reason: 'Un de trop' });
      expect(over.status).toBe(429);
      expect(over.body).toMatchObject({ code: 'RATE_LIMITED', limit: 'actor' });
      expect(over.body.userMessage).toMatch(/une heure/);
      expect((await ent.login('yanis.benali', DEMO_PASSWORD)).kind).toBe('logged_in');
    });
  });

  describe('audit log', () => {
    it('records who did what to whom, through which channel, and the outcome, in an unbroken chain', async () => {
      const rows = (await t.http.get('/api/v1/accounts/audit?target=demo-pupil-jm&limit=500').set('Authorization', auditor)).body.items as Record<string, unknown>[];
      expect(rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'renewal_code', outcome: 'done', actorEntUserId: 'demo-teacher-jm', channel: 'slack', targetLogin: 'lea.lambert' }),
          expect.objectContaining({ action: 'renewal_code', outcome: 'refused', reason: 'no_code_right', actorEntUserId: 'demo-teacher-jm-cp', channel: 'discord' }),
          expect.objectContaining({ action: 'approval_request', outcome: 'requested', channel: 'webchat' }),
          expect.objectContaining({ action: 'approve', outcome: 'done', actorEntUserId: 'demo-teacher-jm' }),
        ]),
      );
      const verify = await t.http.get('/api/v1/accounts/audit/verify').set('Authorization', auditor);
      expect(verify.body).toMatchObject({ ok: true });
      expect(verify.body.rows).toBeGreaterThan(40);
      expect((await t.http.get('/api/v1/accounts/audit').set('Authorization', (await t.apiKey(['accounts:act', 'act_as'])))).status).toBe(403);
    });
  });
});
