import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_ROUTING_RULES_FILE } from '../src/routing/routing-rules';
import { createTicket, PEOPLE } from './factories/ticket.factory';
import { eventually } from './support/http-target';
import { MovingClock } from './support/moving-clock';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

/** Monday 23 November 2026, 10:00 in Paris: inside school working hours. */
const MONDAY_10H = new Date('2026-11-23T09:00:00Z');
const HOUR = 3_600_000;

/** The real rules with the pupil tier's SLA shortened to seconds, so deadlines pass during the test. */
function rulesFile(dir: string): string {
  const rules = parse(readFileSync(DEFAULT_ROUTING_RULES_FILE, 'utf8'));
  rules.sla.remindAt = 0.5;
  rules.sla.policies.school_admin.mineur = { firstResponse: '3s', resolution: '30m' };
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, stringify(rules));
  return file;
}

type Event = { seq: number; type: string; actor: { kind: string }; before: Record<string, unknown> | null; after: Record<string, unknown> | null };

describe(`SLA deadlines (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-sla-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function start(env: NodeJS.ProcessEnv) {
    const store = await TestStore.create({ ROUTING_RULES_FILE: rulesFile(dir), ...env });
    const clock = new MovingClock(MONDAY_10H);
    const t = await TestApp.start(store, { clock });
    return { store, clock, t, writer: await t.apiKey(['tickets:read', 'tickets:write', 'act_as']), backOffice: await t.apiKey(['tickets:read_all']) };
  }
  const history = async (t: TestApp, auth: string, reference: string): Promise<Event[]> =>
    (await t.http.get(`/api/v1/tickets/${reference}/history`).set('Authorization', auth).expect(200)).body.items;

  describe('on time', () => {
    let s: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      s = await start({ SLA_SWEEP_SECONDS: '0.2' });
    });
    afterAll(async () => {
      await s?.t.close();
      await s?.store.destroy();
    });

    it('computes due dates in working time for the tier and priority', async () => {
      const reference = await createTicket(s.t, s.writer, { requester: PEOPLE.pupil, priority: 'majeur' });
      const ticket = (await s.t.http.get(`/api/v1/tickets/${reference}`).set('Authorization', s.backOffice).expect(200)).body;
      const created = new Date(ticket.createdAt).getTime();
      // school_admin / majeur: 4 h to answer (Monday 14:00), 20 h to resolve (two working days: Wednesday 10:00).
      expect(new Date(ticket.sla.firstResponseDueAt).getTime() - created).toBe(4 * HOUR);
      expect(new Date(ticket.sla.resolutionDueAt).getTime() - created).toBe(48 * HOUR);
    });

    it('sends a reminder, then escalates one tier up when the first response is late', async () => {
      const reference = await createTicket(s.t, s.writer, { requester: PEOPLE.pupil, subject: 'mot de passe oublié', description: "j'ai oublié mon mot de passe" });
      const events = await eventually(async () => {
        const items = await history(s.t, s.backOffice, reference);
        return items.some((e) => e.type === 'escalated' && e.after?.tier === 'erun') && items;
      }, 15_000, 'the automatic escalation');
      const types = events.map((e) => e.type);
      expect(types.indexOf('sla_reminder')).toBeGreaterThan(-1);
      expect(types.indexOf('sla_reminder')).toBeLessThan(types.indexOf('sla_breached'));
      const escalation = events.find((e) => e.type === 'escalated' && e.after?.tier === 'erun')!;
      expect(escalation).toMatchObject({ actor: { kind: 'system' }, before: { tier: 'school_admin' }, after: { reason: null, breachOf: 'first_response' } });
      // The ERUN is told why, in words.
      const told = await eventually(async () => {
        const items = await history(s.t, s.backOffice, reference);
        return items.find((e) => e.type === 'notification_delivered' && e.after?.address === 'group' && e.after?.event === escalation.seq);
      }, 10_000, 'the ERUN told');
      expect(told.after?.text).toBe(`Ticket ${reference} escaladé vers vous depuis l'administrateur ENT de l'école\u00a0: Délai de première réponse dépassé\u00a0: escalade automatique.`);
      const ticket = (await s.t.http.get(`/api/v1/tickets/${reference}`).set('Authorization', s.backOffice).expect(200)).body;
      expect(ticket).toMatchObject({ tier: 'erun', assigneeGroup: 'erun', status: 'new' });
      // The ERUN gets the ERUN's deadlines (mineur: 10 h to answer), from the moment of the escalation.
      expect(new Date(ticket.sla.firstResponseDueAt).getTime()).toBeGreaterThan(MONDAY_10H.getTime() + 9 * HOUR);
      // Each fired once: reminder and breach are not repeated for the same deadline.
      await new Promise((r) => setTimeout(r, 1500));
      const again = await history(s.t, s.backOffice, reference);
      expect(again.filter((e) => e.type === 'sla_reminder')).toHaveLength(1);
      expect(again.filter((e) => e.type === 'sla_breached')).toHaveLength(1);
    });

    it('stops the clock while waiting for the user', async () => {
      const reference = await createTicket(s.t, s.writer, { requester: PEOPLE.pupil, priority: 'majeur' });
      const read = async () => (await s.t.http.get(`/api/v1/tickets/${reference}`).set('Authorization', s.backOffice).expect(200)).body;
      const before = await read();
      await s.t.http.post(`/api/v1/tickets/${reference}/transitions`).set('Authorization', s.writer).set({ 'X-On-Behalf-Of': PEOPLE.directorJeanMoulin.entUserId }).send({ action: 'wait_for_user' }).expect(200);
      expect((await read()).sla.paused).toBe(true);
      s.clock.advance(HOUR);
      // The pupil answers: the ticket goes back to staff and the clock runs again, one hour later.
      await s.t.http.post(`/api/v1/tickets/${reference}/messages`).set('Authorization', s.writer).set({ 'X-On-Behalf-Of': PEOPLE.pupil.entUserId }).send({ body: "c'est mon compte de l'école" }).expect(201);
      const after = await read();
      expect(after).toMatchObject({ status: 'opened', sla: { paused: false } });
      for (const field of ['firstResponseDueAt', 'resolutionDueAt'] as const) {
        const shift = new Date(after.sla[field]).getTime() - new Date(before.sla[field]).getTime();
        expect(shift).toBeGreaterThanOrEqual(HOUR);
        expect(shift).toBeLessThan(HOUR + 10_000);
      }
    });

    it('counts a public answer by staff as the first response', async () => {
      const reference = await createTicket(s.t, s.writer, { requester: PEOPLE.pupil, priority: 'majeur' });
      await s.t.http.post(`/api/v1/tickets/${reference}/messages`).set('Authorization', s.writer).set({ 'X-On-Behalf-Of': PEOPLE.directorJeanMoulin.entUserId }).send({ body: 'Je regarde cela.' }).expect(201);
      const ticket = (await s.t.http.get(`/api/v1/tickets/${reference}`).set('Authorization', s.backOffice).expect(200)).body;
      expect(ticket.sla.firstRespondedAt).not.toBeNull();
    });
  });

  describe('when time jumps', () => {
    let s: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      s = await start({ SLA_SWEEP_SECONDS: '0.3' });
    });
    afterAll(async () => {
      await s?.t.close();
      await s?.store.destroy();
    });

    it('fires a deadline passed while nobody looked, once', async () => {
      // bloquant: 2 h to answer; time jumps past it (a service that was down, a clock moved).
      const reference = await createTicket(s.t, s.writer, { requester: PEOPLE.pupil, priority: 'bloquant' });
      s.clock.advance(3 * HOUR);
      const events = await eventually(async () => {
        const items = await history(s.t, s.backOffice, reference);
        return items.some((e) => e.type === 'escalated' && e.after?.tier === 'erun') && items;
      }, 10_000, 'the watcher');
      expect(events.filter((e) => e.type === 'sla_breached')).toHaveLength(1);
      expect(events.find((e) => e.type === 'sla_breached')!.after).toMatchObject({ deadline: 'first_response' });
    });
  });
});
