import { ticketBody } from './factories/ticket.factory';
import { eventually } from './support/http-target';
import { createApiKey, ServiceProcess } from './support/service-process';
import { DRIVERS, TestStore } from './support/test-app';

describe(`killing the service (${DRIVERS.database})`, () => {
  let store: TestStore;
  let service: ServiceProcess | null = null;

  beforeAll(async () => {
    store = await TestStore.create({ DEMO_DATA: 'true' });
  });
  afterAll(async () => {
    await service?.kill();
    await store?.destroy();
  });

  it('loses no acknowledged ticket', async () => {
    const key = createApiKey(store.env);
    // The tickets are asked by their requester (ticketBody's parent), through the CLI's act_as key.
    const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'X-On-Behalf-Of': 'demo-parent-jm' };
    service = await ServiceProcess.start(store.env);
    const url = service.url;

    // Tickets are created in a steady stream; the process is killed in the middle of it.
    const acknowledged: string[] = [];
    let cut = 0;
    let stop = false;
    const client = async (n: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await fetch(`${url}/api/v1/tickets`, {
            method: 'POST',
            headers,
            body: JSON.stringify(ticketBody({ subject: `Crash test ${n}-${i}` })),
          });
          if (res.status === 201) acknowledged.push(((await res.json()) as { reference: string }).reference);
        } catch {
          cut++; // a request in flight, cut by the kill
          return;
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, n) => client(n));
    await eventually(() => acknowledged.length >= 40, 30_000, '40 acknowledged tickets');
    await service.kill();
    stop = true;
    await Promise.all(clients);

    service = await ServiceProcess.start(store.env);
    const missing: string[] = [];
    for (const reference of acknowledged) {
      const res = await fetch(`${service.url}/api/v1/tickets/${reference}`, { headers });
      if (res.status !== 200) missing.push(`${reference}: ${res.status}`);
    }
    // The kill came mid-stream (requests were cut), and every ticket acknowledged before it is there.
    expect(cut).toBeGreaterThan(0);
    expect(missing).toEqual([]);

    // And the restarted service keeps numbering after the last reference, without reuse.
    const res = await fetch(`${service.url}/api/v1/tickets`, { method: 'POST', headers, body: JSON.stringify(ticketBody()) });
    expect(res.status).toBe(201);
    const { reference } = (await res.json()) as { reference: string };
    expect(acknowledged).not.toContain(reference);
  }, 90_000);
});
