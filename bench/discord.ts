/**
 * Discord turn latency, end to end on this machine: BENCH_CONVERSATIONS
 * (default 50) Discord users of the demo school, each typing `/aide <a
 * question>` every BENCH_THINK_MS (default 1000) for BENCH_SECONDS (default
 * 10), after a warm-up. Measured from the moment the local Discord dispatches
 * INTERACTION_CREATE on the gateway to the moment it receives the bot's
 * ephemeral callback: the gateway, discord.js, the engine's turn (understanding,
 * answer, state and transcript) and the REST call back, over loopback. Latency
 * is counted from each command's planned start, so falling behind shows;
 * `cpu/command` is this process's CPU (bot, engine, embedded database and the
 * local Discord together) per command, the figure that does not depend on
 * what else the machine runs.
 * Embedded database, and PostgreSQL too when DATABASE_URL is set.
 *
 *   npm run bench:discord
 */
import { performance } from 'node:perf_hooks';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { DemoIdentities } from '../src/demo/demo-identities.service';
import { APPLICATION_ID, BOT_TOKEN, DiscordServer, DiscordUser } from '../test/support/discord-server';
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
  'comment activer mon compte pour la première connexion',
];

async function measure(label: string, databaseUrl: string | undefined): Promise<void> {
  const discord = await DiscordServer.start();
  const store = await TestStore.create(
    { LOG_LEVEL: 'silent', DISCORD_TOKEN: BOT_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: discord.apiUrl },
    { databaseUrl },
  );
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(AppModule.forRoot(store.config()), { logger: false, abortOnError: false });
    await discord.ready();
    const users: DiscordUser[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      const user = { id: String(500000000000000000n + BigInt(i)), username: `bench${i}` };
      await app.get(DemoIdentities).link({ channel: 'discord', externalId: user.id }, PEOPLE[i % PEOPLE.length]);
      users.push(user);
    }
    const run = async (record: boolean, seconds: number) => {
      const latencies: number[] = [];
      let failed = 0;
      const talk = async (user: DiscordUser, index: number, until: number) => {
        let planned = performance.now() + (THINK_MS * index) / CONVERSATIONS;
        for (let q = 0; planned < until; q++) {
          await new Promise((r) => setTimeout(r, Math.max(0, planned - performance.now())));
          const id = discord.slashCommand(user, 'aide', { question: QUESTIONS[(q + index) % QUESTIONS.length] });
          const answer = await Promise.race([discord.firstAnswer(id), new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
          if (!answer || answer.content.length === 0) failed++;
          latencies.push(performance.now() - planned);
          planned += THINK_MS;
        }
      };
      const started = performance.now();
      const cpu = process.cpuUsage();
      await Promise.all(users.map((u, i) => talk(u, i, started + seconds * 1000)));
      const elapsed = (performance.now() - started) / 1000;
      const { user: userMicros, system } = process.cpuUsage(cpu);
      if (!record) return;
      console.log(
        `${label.padEnd(10)} /aide, 1 command/${THINK_MS} ms each  users=${CONVERSATIONS} commands=${latencies.length} failed=${failed} rate=${(latencies.length / elapsed).toFixed(0)}/s ` +
          `p50=${percentile(latencies, 50).toFixed(2)}ms p90=${percentile(latencies, 90).toFixed(2)}ms p99=${percentile(latencies, 99).toFixed(2)}ms ` +
          // The bot, the engine and the local Discord share this process: CPU per command covers all three.
          `cpu/command=${((userMicros + system) / 1000 / latencies.length).toFixed(2)}ms`,
      );
    };
    await run(false, 2);
    await run(true, SECONDS);
  } finally {
    await app?.close();
    await store.destroy();
    await discord.close();
  }
}

async function main(): Promise<void> {
  await measure('embedded', undefined);
  if (process.env.DATABASE_URL) await measure('postgres', process.env.DATABASE_URL);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
