import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTicket, PEOPLE } from './factories/ticket.factory';
import { eventually } from './support/http-target';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

/**
 * Sequence numbers are handed out at insert time, not at commit: an event can
 * commit after a later-numbered one. The relay must neither pass over it nor
 * tell anything twice. Needs a second session holding a transaction open,
 * which only PostgreSQL has (the embedded database has one session).
 */
(DRIVERS.database === 'postgres' ? describe : describe.skip)('the outbox relay and transactions that commit late (postgres)', () => {
  let store: TestStore;
  let t: TestApp;
  let writer: string;
  let backOffice: string;

  beforeAll(async () => {
    store = await TestStore.create({ OUTBOX_RELAY_SECONDS: '0.2' });
    t = await TestApp.start(store);
    writer = await t.apiKey(['tickets:read', 'tickets:write', 'act_as']);
    backOffice = await t.apiKey(['tickets:read_all']);
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
  });

  const deliveredFor = async (reference: string) =>
    (await t.http.get(`/api/v1/tickets/${reference}/history`).set('Authorization', backOffice).expect(200)).body.items.filter(
      (e: { type: string }) => e.type === 'notification_delivered',
    ) as { after: { event: number; address: string } }[];

  it('relays an event that committed after later ones, and each event once', async () => {
    const slow = await createTicket(t, writer, { requester: PEOPLE.pupil });
    const fast = await createTicket(t, writer, { requester: PEOPLE.pupil });
    await eventually(async () => (await deliveredFor(fast)).length === 2, 10_000, 'the creations told');
    const db = t.app.get(DataSource);
    const [{ id: slowId }] = await db.query('SELECT id FROM tickets WHERE reference = $1', [slow]);

    // A transaction that records an event (as the writer would) and stays open: it took its sequence number first.
    const late = new Client({ connectionString: store.env.DATABASE_URL });
    await late.connect();
    try {
      await late.query('BEGIN');
      const [{ seq: lateSeq }] = (
        await late.query(
          `INSERT INTO ticket_events (ticket_id, type, actor_kind, actor_id, actor_name, before, after, at)
           VALUES ($1, 'status_changed', 'user', $2, 'Claire Dubois', '{"status":"new"}', '{"status":"resolved","tier":"school_admin"}', now()) RETURNING seq`,
          [slowId, PEOPLE.directorJeanMoulin.entUserId],
        )
      ).rows;
      // Meanwhile a change commits, with a later sequence number.
      await t.http.post(`/api/v1/tickets/${fast}/messages`).set('Authorization', writer).set({ 'X-On-Behalf-Of': PEOPLE.directorJeanMoulin.entUserId }).send({ body: 'Je regarde.' }).expect(201);
      await new Promise((r) => setTimeout(r, 1_000));
      // Held back while the older transaction may still commit: nothing is skipped, nothing is told yet.
      expect(await deliveredFor(fast)).toHaveLength(2);
      await late.query('COMMIT');

      const told = await eventually(async () => {
        const s = await deliveredFor(slow);
        const f = await deliveredFor(fast);
        return s.length === 3 && f.length === 3 && { s, f };
      }, 10_000, 'both events told');
      expect(told.s.filter((e) => e.after.event === lateSeq)).toEqual([expect.objectContaining({ after: expect.objectContaining({ address: 'requester' }) })]);
      await new Promise((r) => setTimeout(r, 1_000)); // several relay rounds: no repeat
      expect(await deliveredFor(slow)).toHaveLength(3);
      expect(await deliveredFor(fast)).toHaveLength(3);
    } finally {
      await late.end();
    }
  });
});
