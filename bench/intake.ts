/**
 * Ticket creation throughput and latency under concurrent load.
 *
 *   npm run bench:intake                      # embedded database (PGlite, in-process jobs)
 *   DATABASE_URL=… REDIS_URL=… npm run bench:intake   # and PostgreSQL + Redis as well
 *
 * The service runs as its own process (dist/main.js, LOG_LEVEL=info as in
 * production) on a fresh store; this process is the load generator: BENCH_CLIENTS
 * clients (default 50) each create tickets back to back for BENCH_SECONDS
 * (default 10) after a 2 s warm-up. Every creation also classifies the text
 * (knowledge base). Prints, per driver:
 * - "ticket creation": the clients call back to back, so the service is
 *   saturated: the most creations per second. Latency there is mostly queueing
 *   (Little's law: mean latency ≈ clients / rate, 25 ms at 2,000/s for 50 clients);
 * - "creation at N/s": the same 50 clients offer BENCH_RATE creations per second
 *   in all (default 1,000, the target load), latency counted from each
 *   call's planned start: the latency users see at that load;
 * - "baseline 401": the same stack answering 401, which touches no database.
 * Under each line (Linux): the CPU each call cost the service, PostgreSQL, Redis
 * and the load generator, which all share this machine's cores; errors are
 * listed with their reason. After each run the bench waits for the service to
 * finish what the run left it (the relay, notification jobs: `settled`), so the
 * CPU figures include that work and the next run does not pay for it.
 *
 * DATABASE_POOL_SIZE is handed to the service; BENCH_ONLY=postgres skips the embedded run.
 * BENCH_PROFILE=dir writes a V8 CPU profile of the service per driver into dir
 * (open it in Chrome DevTools, or summarise it with `node bench/profile-summary.mjs file`).
 * BENCH_TIMELINE=dir writes each run's calls ([start in ms since the epoch, latency]) into dir;
 * `node bench/timeline-summary.mjs file` shows them by time slot, to see when the tail happened.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ticketBody } from '../test/factories/ticket.factory';
import { createApiKey, ServiceProcess } from '../test/support/service-process';
import { TestStore } from '../test/support/test-app';
import { cpuPerCall, cpuTimes, settled } from './cpu-usage';
import { JsonClient, LoadResult, percentile, runAtRate, runFor } from './load';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const POOL_SIZE = process.env.DATABASE_POOL_SIZE;
const ONLY_POSTGRES = process.env.BENCH_ONLY === 'postgres';
const TIMELINE_DIR = process.env.BENCH_TIMELINE;
const LABEL_WIDTH = 28;
/** Detail lines start under the figures of the line they belong to. */
const DETAIL = ' '.repeat(LABEL_WIDTH + 1);

interface Backend {
  label: string;
  databaseUrl?: string;
  redisUrl?: string;
}

async function measure(backend: Backend): Promise<void> {
  // The production API-key cache (tests turn it off to see revocations at once).
  const store = await TestStore.create(
    { DEMO_DATA: 'true', API_KEY_CACHE_SECONDS: '5', ...(POOL_SIZE ? { DATABASE_POOL_SIZE: POOL_SIZE } : {}) },
    backend,
  );
  const key = createApiKey(store.env);
  const service = await ServiceProcess.start(store.env, PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []);
  // The bench's tickets are asked by the demo parent (ticketBody's requester), through an act_as key.
  const client = new JsonClient(service.url, { Authorization: `Bearer ${key}`, 'X-On-Behalf-Of': 'demo-parent-jm' }, CLIENTS);
  const anonymous = new JsonClient(service.url, {}, CLIENTS);
  let n = 0;
  const createOne = async () => {
    const body = ticketBody({ subject: `Bench ${n++}`, description: 'Mon fils ne voit pas ses devoirs dans le cahier de textes.' });
    const response = await client.request('POST', '/api/v1/tickets', body);
    if (response.status !== 201) throw new Error(`HTTP ${response.status} ${response.body.slice(0, 200)}`);
    return true;
  };
  const measured = async (what: string, run: () => Promise<LoadResult>) => {
    const before = cpuTimes(service.pid);
    const result = await run();
    const backlogMs = await settled(service.pid);
    if (TIMELINE_DIR) writeFileSync(join(TIMELINE_DIR, `${backend.label}-${what}.json`.replace(/[^\w.-]+/g, '_')), JSON.stringify(result.timeline));
    const cpu = cpuPerCall(before, cpuTimes(service.pid), result.ok + result.failed);
    console.log(
      `${backend.label.padEnd(LABEL_WIDTH)} ${what.padEnd(18)} clients=${CLIENTS} ok=${result.ok} errors=${result.failed} ` +
        `rate=${(result.ok / result.seconds).toFixed(0)}/s p50=${percentile(result.latenciesMs, 50).toFixed(1)}ms ` +
        `p90=${percentile(result.latenciesMs, 90).toFixed(1)}ms p99=${percentile(result.latenciesMs, 99).toFixed(1)}ms` +
        (cpu ? `\n${DETAIL}CPU µs per call (its asynchronous work included, done ${(backlogMs / 1000).toFixed(1)} s after the run): ${cpu}` : ''),
    );
    for (const [reason, count] of result.failures) console.log(`${DETAIL}${count} × ${reason}`);
  };
  try {
    await runFor(2, CLIENTS, createOne); // warm-up: JIT, connection pools
    await settled(service.pid);
    await measured('ticket creation', () => runFor(SECONDS, CLIENTS, createOne));
    await measured(`creation at ${RATE}/s`, () => runAtRate(SECONDS, CLIENTS, RATE, createOne));
    // The same stack answering a request that touches nothing: the ceiling of HTTP + framework + load generator here.
    await measured('baseline 401', () =>
      runFor(Math.min(SECONDS, 3), CLIENTS, async () => (await anonymous.request('GET', '/api/v1/tickets')).status === 401),
    );
  } finally {
    client.close();
    anonymous.close();
    await (PROFILE_DIR ? service.stop() : service.kill());
    await store.destroy();
  }
}

async function main(): Promise<void> {
  const backends: Backend[] = ONLY_POSTGRES ? [] : [{ label: 'embedded (pglite, in-process)' }];
  if (process.env.DATABASE_URL) {
    backends.push({
      label: `postgres${process.env.REDIS_URL ? ' + redis (bull)' : ' (in-process)'}`,
      databaseUrl: process.env.DATABASE_URL,
      redisUrl: process.env.REDIS_URL,
    });
  } else {
    console.log('(set DATABASE_URL, and REDIS_URL, to measure PostgreSQL too)');
  }
  for (const backend of backends) await measure(backend);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
