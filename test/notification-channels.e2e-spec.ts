import { RecordingChannel, RecordingChannelModule } from './support/recording-channel/recording.channel';
import { createTicket, PEOPLE } from './factories/ticket.factory';
import { eventually } from './support/http-target';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

describe(`a notification channel that plugs in (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let store: TestStore;
  let t: TestApp;
  let writer: string;
  let backOffice: string;

  beforeAll(async () => {
    store = await TestStore.create();
    t = await TestApp.start(store, { modules: [RecordingChannelModule] });
    writer = await t.apiKey(['tickets:read', 'tickets:write', 'act_as']);
    backOffice = await t.apiKey(['tickets:read_all']);
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
  });

  const as = (person: { entUserId: string }) => ({ 'X-On-Behalf-Of': person.entUserId });
  const history = async (reference: string) =>
    (await t.http.get(`/api/v1/tickets/${reference}/history`).set('Authorization', backOffice).expect(200)).body.items as {
      seq: number;
      type: string;
      after: { address?: string; channel?: string };
    }[];

  it("receives every event of a ticket's life, once each, rendered with its own template", async () => {
    const channel = t.app.get(RecordingChannel);
    const reference = await createTicket(t, writer, { requester: PEOPLE.pupil, subject: 'mot de passe oublié', description: "j'ai oublié mon mot de passe" });
    const director = as(PEOPLE.directorJeanMoulin);
    await t.http.post(`/api/v1/tickets/${reference}/transitions`).set('Authorization', writer).set(director).send({ action: 'claim' }).expect(200);
    await t.http.post(`/api/v1/tickets/${reference}/messages`).set('Authorization', writer).set(director).send({ body: 'Ton compte est-il activé ?' }).expect(201);
    await t.http.post(`/api/v1/tickets/${reference}/messages`).set('Authorization', writer).set(director).send({ body: 'à vérifier dans la console', visibility: 'internal' }).expect(201);
    await t.http.post(`/api/v1/tickets/${reference}/transitions`).set('Authorization', writer).set(director).send({ action: 'wait_for_user' }).expect(200);
    await t.http.post(`/api/v1/tickets/${reference}/messages`).set('Authorization', writer).set(as(PEOPLE.pupil)).send({ body: 'oui il est activé' }).expect(201);
    await t.http.post(`/api/v1/tickets/${reference}/escalations`).set('Authorization', writer).set(director).send({ reason: 'compte introuvable dans la console' }).expect(200);
    await t.http.post(`/api/v1/tickets/${reference}/transitions`).set('Authorization', writer).set(as(PEOPLE.erunValFleuri)).send({ action: 'resolve' }).expect(200);

    const changes = (await history(reference)).filter((e) => !e.type.startsWith('notification_'));
    const received = await eventually(async () => {
      const mine = channel.received.filter((r) => r.text.endsWith(reference) || r.text.includes(`${reference} (`));
      return mine.length >= changes.length && mine;
    }, 10_000, 'every event through the channel');
    await new Promise((r) => setTimeout(r, 300)); // a repeat would show now
    expect(received.map((r) => r.seq)).toEqual(changes.map((e) => e.seq));
    expect(received.map((r) => r.text)).toEqual([
      `created ${reference}`,
      `assigned ${reference}`,
      `status_changed ${reference} (new → opened)`,
      `message_added ${reference} (public)`,
      `message_added ${reference} (internal)`,
      `status_changed ${reference} (opened → waiting_for_user)`,
      `message_added ${reference} (public)`,
      `status_changed ${reference} (waiting_for_user → opened)`,
      `escalated ${reference}`,
      `status_changed ${reference} (opened → resolved)`,
    ]);
    // It reaches the groups, so the history channel no longer takes what is for them; the requester's notices still go there.
    const delivered = (await history(reference)).filter((e) => e.type === 'notification_delivered');
    const channelsFor = (address: string) => new Set(delivered.filter((e) => e.after.address === address).map((e) => e.after.channel));
    expect(channelsFor('group')).toEqual(new Set(['recording']));
    expect(channelsFor('requester')).toEqual(new Set(['history']));
  });
});
