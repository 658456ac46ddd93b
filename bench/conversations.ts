/**
 * Conversation engine turn latency: BENCH_CONVERSATIONS (default 50) web chat
 * conversations at once, each a person of the demo school asking a question,
 * then saying it helped, again and again for BENCH_SECONDS (default 10), after
 * a warm-up. A turn is everything the engine does for one message or one
 * click (understanding, the answer for the profile, the conversation's state
 * and transcript), in process: no network. Two lines per database:
 * - "people typing": each conversation takes a turn every BENCH_THINK_MS
 *   (default 1000: a fast typist), latency counted from the turn's planned
 *   start, so falling behind shows — the latency people see;
 * - "back to back": every conversation sends its next turn as soon as the
 *   last is answered: the engine saturated (latency there is mostly queueing).
 * Embedded database, and PostgreSQL too when DATABASE_URL is set.
 *
 *   npm run bench:conversations
 */
import { performance } from 'node:perf_hooks';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ChatIdentity } from '../src/admin-actions/actor';
import { AppModule } from '../src/app.module';
import { ConversationEngine } from '../src/conversations/conversation-engine.service';
import { DemoIdentities } from '../src/demo/demo-identities.service';
import { TestStore } from '../test/support/test-app';
import { percentile } from './load';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
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
  const app: INestApplicationContext = await NestFactory.createApplicationContext(AppModule.forRoot(store.config()), { logger: false, abortOnError: false });
  try {
    const engine = app.get(ConversationEngine);
    const conversations: ChatIdentity[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      const identity: ChatIdentity = { channel: 'webchat', externalId: `bench-${i}` };
      await app.get(DemoIdentities).link(identity, PEOPLE[i % PEOPLE.length]);
      conversations.push(identity);
    }
    const run = async (what: string, thinkMs: number | null, record: boolean, seconds: number) => {
      const latencies: number[] = [];
      let failed = 0;
      const talk = async (identity: ChatIdentity, index: number, until: number) => {
        // Conversations start spread over one thinking time, as people do.
        let planned = performance.now() + (thinkMs === null ? 0 : (thinkMs * index) / CONVERSATIONS);
        for (let q = 0; planned < until; q++) {
          for (const part of [{ text: QUESTIONS[(q + index) % QUESTIONS.length] }, { choice: 'helped' }]) {
            if (thinkMs !== null) await new Promise((r) => setTimeout(r, Math.max(0, planned - performance.now())));
            const t0 = thinkMs === null ? performance.now() : planned;
            try {
              if (!(await engine.handle({ channel: 'webchat', conversation: identity.externalId, identity, ...part })).length) failed++;
            } catch {
              failed++;
            }
            latencies.push(performance.now() - t0);
            planned = thinkMs === null ? performance.now() : planned + thinkMs;
          }
        }
      };
      const started = performance.now();
      await Promise.all(conversations.map((c, i) => talk(c, i, started + seconds * 1000)));
      const elapsed = (performance.now() - started) / 1000;
      if (!record) return;
      console.log(
        `${label.padEnd(10)} ${what.padEnd(16)} conversations=${CONVERSATIONS} turns=${latencies.length} failed=${failed} rate=${(latencies.length / elapsed).toFixed(0)}/s ` +
          `p50=${percentile(latencies, 50).toFixed(2)}ms p90=${percentile(latencies, 90).toFixed(2)}ms p99=${percentile(latencies, 99).toFixed(2)}ms`,
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
  for (const backend of backends) {
    const store = await TestStore.create({ LOG_LEVEL: 'silent' }, { databaseUrl: backend.databaseUrl });
    try {
      await measure(backend.label, store);
    } finally {
      await store.destroy();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
