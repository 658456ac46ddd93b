import { ticketBody } from './factories/ticket.factory';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

describe(`knowledge-base API (${DRIVERS.database})`, () => {
  let store: TestStore;
  let t: TestApp;
  let assistKey: string;

  beforeAll(async () => {
    store = await TestStore.create();
    t = await TestApp.start(store);
    assistKey = await t.apiKey(['kb:assist'], 'chat box');
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
  });

  const ask = (body: Record<string, unknown>) => t.http.post('/api/v1/assist').set('Authorization', assistKey).send(body);

  describe('answers', () => {
    it('understands a question and answers it for the stated profile', async () => {
      const res = await ask({ text: "Bonjour, j'ai oublié mon mot de passe de l'ENT", profile: 'Relative' }).expect(200);
      expect(res.body).toMatchObject({
        intent: 'login.forgot_password',
        category: 'connection',
        route: 'school_director',
        askProfile: false,
        suggestTicket: false,
      });
      expect(res.body.confidence).toBeGreaterThanOrEqual(0.5);
      expect(res.body.answer.markdown).toMatch(/ÉduConnect/);
      expect(res.body.answer.text).not.toMatch(/\*\*/);
      expect(res.body.answerId).toMatch(/^[0-9a-f-]{36}$/);
      expect(Array.isArray(res.body.alternatives)).toBe(true);
    });

    it('gives a teacher and a pupil a different answer to the same question', async () => {
      const teacher = await ask({ text: 'mot de passe oublié', profile: 'Teacher' }).expect(200);
      const pupil = await ask({ text: 'mot de passe oublié', profile: 'Student' }).expect(200);
      expect(teacher.body.intent).toBe('login.forgot_password');
      expect(teacher.body.answer.text).toMatch(/académique/i);
      expect(pupil.body.answer.text).toMatch(/code de renouvellement/i);
      expect(teacher.body.route).toBe('academic_support');
      expect(pupil.body.route).toBe('school_admin');
    });

    it('reads SMS spelling', async () => {
      const res = await ask({ text: 'jarrive pa a me co g oublié mon mdp svp' }).expect(200);
      expect(res.body.intent).toBe('login.forgot_password');
    });

    it('notices who is writing, and still routes on the stated profile only', async () => {
      const res = await ask({ text: "Je suis la maman de Léa, elle n'apparaît pas dans l'ENT depuis son inscription" }).expect(200);
      expect(res.body.detectedProfile).toBe('Relative');
      expect(res.body.askProfile).toBe(true);
      expect(res.body.route).toBe('school_admin'); // the routing table's last row, until the profile is confirmed
      expect(res.body.intent).toBe('accounts.missing_users');
    });

    it('names the school when it is known', async () => {
      const res = await ask({ text: "mon fils ne retrouve plus son mot de passe de l'ENT", profile: 'Relative', schoolId: '0999001A' }).expect(200);
      expect(res.body.intent).toBe('login.forgot_password');
      expect(JSON.stringify(res.body.answer)).toMatch(/Jean-Moulin/);
    });

    it('routes EduConnect questions from parents to the national platform', async () => {
      const res = await ask({ text: 'je ne retrouve plus mon identifiant ÉduConnect', profile: 'Relative' }).expect(200);
      expect(res.body.intent).toBe('login.educonnect');
      expect(res.body.route).toBe('educonnect_national');
    });

    it.each([
      'Quel est le menu de la cantine jeudi ?',
      "l'imprimante de ma classe fait un bourrage papier",
      'bonjour',
    ])('abstains on "%s": no self-service answer, a ticket', async (text) => {
      const res = await ask({ text }).expect(200);
      expect(res.body).toMatchObject({ intent: 'other', category: 'other', answer: null, suggestTicket: true });
    });
  });

  describe('bad input', () => {
    it.each([
      ['an empty text', { text: '   ' }],
      ['a 20 kB text', { text: 'mot de passe '.repeat(1600) }],
      ['a wrong profile value', { text: 'mot de passe oublié', profile: 'Parent' }],
      ['a missing text', { profile: 'Teacher' }],
      ['an unknown field', { text: 'mot de passe oublié', extra: 1 }],
      ['a NUL character', { text: 'mot de passe\u0000oublié' }],
    ])('refuses %s with 400 and the issues', async (_, body) => {
      const res = await ask(body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.length).toBeGreaterThan(0);
    });

    it('refuses a key without the kb:assist scope', async () => {
      const other = await t.apiKey(['tickets:read']);
      await t.http.post('/api/v1/assist').set('Authorization', other).send({ text: 'mot de passe oublié' }).expect(403);
    });
  });

  describe('feedback and deflection', () => {
    it('records whether an answer helped and reports deflection per intent', async () => {
      const before = await t.http.get('/api/v1/assist/stats').set('Authorization', assistKey).expect(200);
      const base = before.body.find((s: { intent: string }) => s.intent === 'data.storage_full') ?? { answers: 0, helpful: 0, notHelpful: 0 };

      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await ask({ text: 'mon espace de stockage est plein, comment libérer de la place ?', profile: 'Teacher' }).expect(200);
        expect(res.body.intent).toBe('data.storage_full');
        ids.push(res.body.answerId);
      }
      const feedback = (id: string, helpful: unknown) =>
        t.http.post(`/api/v1/assist/${id}/feedback`).set('Authorization', assistKey).send({ helpful });
      await feedback(ids[0], true).expect(201);
      await feedback(ids[1], true).expect(201);
      await feedback(ids[1], false).expect(200); // changed their mind
      await feedback('7d444840-9dc0-11d1-b245-5ffdce74fad2', true).expect(404);
      await feedback('not-a-uuid', true).expect(400);
      await feedback(ids[2], 'oui').expect(400);

      const after = await t.http.get('/api/v1/assist/stats').set('Authorization', assistKey).expect(200);
      const row = after.body.find((s: { intent: string }) => s.intent === 'data.storage_full');
      expect(row).toMatchObject({ answers: base.answers + 3, helpful: base.helpful + 1, notHelpful: base.notHelpful + 1 });
      expect(row.deflectionRate).toBeCloseTo(row.helpful / (row.helpful + row.notHelpful), 3);
    });
  });

  describe('tickets', () => {
    it('fills in the intent and category of a ticket created through the API', async () => {
      const key = await t.apiKey(['tickets:read', 'tickets:write', 'act_as']);
      const res = await t.http
        .post('/api/v1/tickets')
        .set('Authorization', key)
        .set('X-On-Behalf-Of', 'demo-parent-jm')
        .send(ticketBody({ subject: 'Stockage plein', description: "Mon espace documents est plein, je ne peux plus rien déposer, comment libérer de l'espace ?" }))
        .expect(201);
      expect(res.body).toMatchObject({ intent: 'data.storage_full', category: 'data' });
    });
  });
});
