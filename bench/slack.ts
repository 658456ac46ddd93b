/**
 * Slack acknowledgement latency on this machine: BENCH_CONCURRENCY (default
 * 50) signed block actions sent at once to /slack/events, BENCH_ROUNDS
 * (default 10) times after a warm-up round. Each is a linked ERUN pressing
 * « Répondre » on a card of their circonscription, so the work behind the
 * acknowledgement is real (the person's link, the ticket read through the
 * visibility rule, `views.open` to the local Slack). Measured: from the request
 * sent to the HTTP 200 received (signature check, Bolt's routing, the
 * early acknowledgement), over loopback, the client in a worker thread. Embedded database, and PostgreSQL too
 * when DATABASE_URL is set.
 *
 *   npm run bench:slack
 */
import { request as httpRequest, Agent } from 'node:http';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createApp } from '../src/bootstrap';
import { NotificationsSettle } from '../src/notifications/notifications-settle';
import { SlackServer, slackSignature, TEAM_ID } from '../test/support/slack-server';
import { TestStore } from '../test/support/test-app';
import { percentile } from './load';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const ERUN_SLACK_ID = 'U0BENCHERUN';

async function measure(label: string, databaseUrl: string | undefined): Promise<void> {
  const slack = await SlackServer.start();
  const store = await TestStore.create({ LOG_LEVEL: 'silent', ...slack.appEnv() }, { databaseUrl });
  const app = await createApp(store.config());
  try {
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const db = app.get(NotificationsSettle);
    await db.settle();
    const { DataSource } = await import('typeorm');
    const sql = app.get(DataSource);
    await sql.query('UPDATE people SET slack_user_id = $1 WHERE ent_user_id = $2', [ERUN_SLACK_ID, 'demo-erun-valfleuri']);
    const [{ reference }]: { reference: string }[] = await sql.query(`SELECT reference FROM tickets WHERE tier = 'erun' ORDER BY created_at LIMIT 1`);
    // The client runs in a thread of its own: on the app's event loop, it would read each response only after the work that follows the acknowledgements.
    // After each burst the client waits for its modals to be open (the work behind the acknowledgements), timed here.
    const workedOff: number[] = [];
    const latencies = await new Promise<number[]>((resolve, reject) => {
      const worker = new Worker(__filename, { workerData: { port, reference } });
      worker.on('message', (message: { burst?: number; sentAt?: number; latencies?: number[] }) => {
        if (message.latencies) return resolve(message.latencies);
        const expected = (message.burst! + 1) * CONCURRENCY;
        const waitStarted = performance.now();
        const poll = () => {
          if (slack.callsOf('views.open').length >= expected || performance.now() - waitStarted > 10_000) {
            if (message.burst! > 0) workedOff.push(Date.now() - message.sentAt!);
            worker.postMessage('next');
          } else setTimeout(poll, 5);
        };
        poll();
      });
      worker.once('error', reject);
    });
    const opened = slack.callsOf('views.open').length;
    latencies.sort((a, b) => a - b);
    workedOff.sort((a, b) => a - b);
    console.log(
      `${label}: ${latencies.length} acknowledgements, ${CONCURRENCY} concurrent — ack p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms; ${opened} of ${(ROUNDS + 1) * CONCURRENCY} modals opened, a burst's modals all open ${percentile(workedOff, 50)} ms (median), ${workedOff[workedOff.length - 1]} ms (worst) after it was sent`,
    );
  } finally {
    await app.close();
    await store.destroy();
    await slack.close();
  }
}

/** The client thread: presses the button CONCURRENCY times at once, ROUNDS times, and sends back the latencies. */
async function client(port: number, reference: string): Promise<number[]> {
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const press = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const payload = {
        type: 'block_actions',
        team: { id: TEAM_ID },
        user: { id: ERUN_SLACK_ID, team_id: TEAM_ID },
        channel: { id: 'C0DEMOVALF' },
        trigger_id: `bench-${i}`,
        actions: [{ action_id: 'relais_reply', block_id: 'relais_ticket_actions', type: 'button', value: reference }],
      };
      const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      const timestamp = Math.floor(Date.now() / 1000);
      const started = performance.now();
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/slack/events',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': slackSignature(body, timestamp),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  /** A burst of CONCURRENCY presses; then, as between bursts of clicks, its work (the modals) is let finish. */
  const burst = async (n: number) => {
    const sentAt = Date.now();
    const acks = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => press(n * CONCURRENCY + i)));
    const next = new Promise((resolve) => parentPort!.once('message', resolve));
    parentPort!.postMessage({ burst: n, sentAt });
    await next;
    return acks;
  };
  await burst(0);
  const latencies: number[] = [];
  for (let r = 1; r <= ROUNDS; r++) latencies.push(...(await burst(r)));
  agent.destroy();
  return latencies;
}

async function main(): Promise<void> {
  await measure('embedded', undefined);
  if (process.env.DATABASE_URL) await measure('postgres', process.env.DATABASE_URL);
}

if (!isMainThread) {
  const { port, reference } = workerData as { port: number; reference: string };
  void client(port, reference).then((latencies) => parentPort!.postMessage({ latencies }));
} else void main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
