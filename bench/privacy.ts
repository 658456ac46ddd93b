/**
 * Personal data tasks: how long an export, an erasure preview and an erasure
 * take for a person with BENCH_TICKETS (default 200) tickets of their own and
 * as many other tickets that mention them, how fast the retention job
 * anonymises BENCH_TICKETS closed tickets, and how many messages a second the
 * secret masking reads. Embedded database, and PostgreSQL too when DATABASE_URL is set.
 *
 *   npm run bench:privacy
 */
import { performance } from 'node:perf_hooks';
import { maskSecrets } from '../src/common/secret-masking';
import { PersonalData } from '../src/privacy/personal-data.service';
import { Retention } from '../src/privacy/retention.service';
import { createTicket, PEOPLE } from '../test/factories/ticket.factory';
import { TestApp, TestStore } from '../test/support/test-app';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 200);

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await work();
  return [result, performance.now() - t0];
}

async function measure(label: string, backend: { databaseUrl?: string }): Promise<void> {
  const store = await TestStore.create({}, backend);
  const t = await TestApp.start(store);
  try {
    const writer = await t.apiKey(['tickets:read', 'tickets:write', 'act_as'], 'bench');
    const sophie = PEOPLE.parent;
    for (let i = 0; i < TICKETS; i++) {
      await createTicket(t, writer, { requester: sophie, subject: `Demande ${i}`, description: 'Mon enfant ne voit plus ses cours.' });
      await createTicket(t, writer, { requester: PEOPLE.pupil, subject: `Demande ${i}`, description: `Ma maman ${sophie.displayName} a essayé aussi.` });
    }
    const data = t.app.get(PersonalData);
    const [exported, exportMs] = await timed(() => data.export(sophie.entUserId));
    const rows = Object.values(exported.records).reduce((n, r) => n + r.length, 0);
    const [preview, previewMs] = await timed(() => data.preview(sophie.entUserId));
    const [erased, eraseMs] = await timed(() => data.erase(sophie.entUserId, preview.confirmation, 'bench'));
    console.log(`${label}: export ${rows} rows in ${exportMs.toFixed(0)} ms; preview ${previewMs.toFixed(0)} ms; erasure of ${Object.values(erased.counts).reduce((a, b) => a + b, 0)} records in ${eraseMs.toFixed(0)} ms`);

    const teacher = PEOPLE.teacher;
    for (let i = 0; i < TICKETS; i++) {
      const ref = await createTicket(t, writer, { requester: teacher, subject: `Fermé ${i}`, description: 'Ma classe a disparu.' });
      const res = await t.http.post(`/api/v1/tickets/${ref}/transitions`).set('Authorization', writer).set('X-On-Behalf-Of', PEOPLE.directorJeanMoulin.entUserId).send({ action: 'close' });
      if (res.status !== 200) throw new Error(`close failed: ${res.status}`);
    }
    const later = new Date(Date.now() + 2 * 365 * 86_400_000);
    const [counts, retentionMs] = await timed(() => t.app.get(Retention).run(later, 'bench'));
    console.log(`${label}: retention anonymised ${counts?.tickets ?? 0} closed tickets in ${retentionMs.toFixed(0)} ms (${(((counts?.tickets ?? 0) * 1000) / retentionMs).toFixed(0)} tickets/s)`);
  } finally {
    await t.close();
    await store.destroy();
  }
}

function maskingThroughput(): void {
  const corpus = [
    "Bonjour, mon fils ne peut plus se connecter à l'ENT depuis lundi, pouvez-vous m'aider ?",
    'mon mot de passe est Soleil2024! et il ne marche plus',
    'Le code de renouvellement reçu est k7mxq2pa, toujours refusé.',
    'Ma fille Léa Lambert, en CM2 à Jean-Moulin, n’apparaît plus dans sa classe.',
  ];
  const rounds = 50_000;
  const t0 = performance.now();
  let masked = 0;
  for (let i = 0; i < rounds; i++) if (maskSecrets(corpus[i % corpus.length]) !== corpus[i % corpus.length]) masked++;
  const ms = performance.now() - t0;
  console.log(`masking: ${((rounds * 1000) / ms).toFixed(0)} messages/s (${masked} of ${rounds} masked)`);
}

async function main(): Promise<void> {
  maskingThroughput();
  await measure('pglite', {});
  if (process.env.DATABASE_URL) await measure('postgres', { databaseUrl: process.env.DATABASE_URL });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
