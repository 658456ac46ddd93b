/**
 * Web chat turn latency through HTTP: BENCH_CONVERSATIONS (default 50) web
 * chat sessions at once, each a person of the demo school (picked through the
 * session API) asking a question, then pressing « Oui, merci », again and
 * again for BENCH_SECONDS (default 8), after a warm-up. A turn is one
 * `POST /webchat/api/turns` read to its last server-sent event: the session
 * lookup, the two rate-limit counts, the engine's turn and the stream, over
 * loopback HTTP to the application in this process. Lines as in
 * bench:conversations ("people typing": a turn every BENCH_THINK_MS, default
 * 1000, latency from the planned start; "back to back": saturated), with the
 * CPU this process spent per turn (application, embedded database, clients).
 * Embedded database, and PostgreSQL too when DATABASE_URL is set.
 *
 *   npm run bench:webchat
 */
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/bootstrap';
import { TestStore } from '../test/support/test-app';
import { percentile } from './load';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 1000);
const PEOPLE = ['demo-parent-jm', 'demo-teacher-jm', 'demo-pupil-jm', 'demo-guest-jm', 'demo-director-jm'];
const QUESTIONS = [
  "j'ai oublié mon mot de passe de l'ENT",
  'comment je rattache un enseignant à sa classe ?',
  'mon espace de stockage est plein, comment libérer de la place',
  "ma fille n'apparaît pas dans sa classe depuis la rentrée",
  'comment activer mon compte pour la première connexion',
  'les élèves partis en 6e apparaissent encore',
];

async function measure(label: string, store: TestStore): Promise<void> {
  const app = await createApp(store.config());
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  try {
    const tokens: string[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      const res = await fetch(`${base}/webchat/api/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ person: PEOPLE[i % PEOPLE.length] }) });
      if (res.status !== 201) throw new Error(`session refused: ${res.status} ${await res.text()}`);
      tokens.push(((await res.json()) as { token: string }).token);
    }
    const turn = async (token: string, body: object): Promise<boolean> => {
      const res = await fetch(`${base}/webchat/api/turns`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      const text = await res.text();
      return res.status === 200 && text.includes('event: reply') && text.includes('event: done');
    };
    const run = async (what: string, thinkMs: number | null, record: boolean, seconds: number) => {
      const latencies: number[] = [];
      let failed = 0;
      const talk = async (token: string, index: number, until: number) => {
        let planned = performance.now() + (thinkMs === null ? 0 : (thinkMs * index) / CONVERSATIONS);
        for (let q = 0; planned < until; q++) {
          for (const part of [{ text: QUESTIONS[(q + index) % QUESTIONS.length] }, { choice: 'helped' }]) {
            if (thinkMs !== null) await new Promise((r) => setTimeout(r, Math.max(0, planned - performance.now())));
            const t0 = thinkMs === null ? performance.now() : planned;
            if (!(await turn(token, part).catch(() => false))) failed++;
            latencies.push(performance.now() - t0);
            planned = thinkMs === null ? performance.now() : planned + thinkMs;
          }
        }
      };
      const cpu = process.cpuUsage();
      const started = performance.now();
      await Promise.all(tokens.map((token, i) => talk(token, i, started + seconds * 1000)));
      const elapsed = (performance.now() - started) / 1000;
      const { user, system } = process.cpuUsage(cpu);
      if (!record) return;
      console.log(
        `${label.padEnd(10)} ${what.padEnd(30)} sessions=${CONVERSATIONS} turns=${latencies.length} failed=${failed} rate=${(latencies.length / elapsed).toFixed(0)}/s ` +
          `p50=${percentile(latencies, 50).toFixed(2)}ms p90=${percentile(latencies, 90).toFixed(2)}ms p99=${percentile(latencies, 99).toFixed(2)}ms ` +
          `cpu/turn=${((user + system) / 1000 / latencies.length).toFixed(2)}ms`,
      );
    };
    await run('warm-up', null, false, 2);
    await run(`people typing (1 turn/${THINK_MS} ms each)`, THINK_MS, true, SECONDS);
    await run('back to back', null, true, SECONDS);
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const backends: { label: string; databaseUrl?: string }[] = [{ label: 'embedded' }];
  if (process.env.DATABASE_URL) backends.push({ label: 'postgres', databaseUrl: process.env.DATABASE_URL });
  // The limits are for visitors: the bench is every session of one address, at a rate no visitor has.
  const limits = { WEBCHAT_SESSION_TURNS_PER_MINUTE: '10000', WEBCHAT_ADDRESS_TURNS_PER_MINUTE: '100000', WEBCHAT_ADDRESS_SESSIONS_PER_HOUR: '100000' };
  for (const backend of backends) {
    const store = await TestStore.create({ LOG_LEVEL: 'silent', ...limits }, { databaseUrl: backend.databaseUrl });
    try {
      await measure(backend.label, store);
    } finally {
      await store.destroy();
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
