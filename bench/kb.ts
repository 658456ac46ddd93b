/**
 * Classification speed: messages per second and per-message latency of the
 * knowledge base's classifier (normalisation, one database round trip for the
 * French analysis and typo correction, scoring), on the embedded database and,
 * with DATABASE_URL set, on PostgreSQL.
 *
 *   npm run bench:kb    (BENCH_SECONDS, default 5; BENCH_CONCURRENCY, default 1)
 *
 * The messages are made up here from the articles' own vocabulary plus noise,
 * so the figures do not depend on any evaluation file. Each is classified once
 * first (its new words cost one typo-correction query, printed apart), then
 * the timed run measures the steady state; the boot time covers migrations,
 * reading the articles, the French analysis of every phrase and training.
 */
import { performance } from 'node:perf_hooks';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommonModule } from '../src/common/common.module';
import { loadConfig } from '../src/config/config';
import { ConfigModule } from '../src/config/config.module';
import { DatabaseModule } from '../src/database/database.module';
import { KbModule } from '../src/kb/kb.module';
import { KnowledgeBase } from '../src/kb/knowledge-base';
import { IntentClassifier } from '../src/kb/understanding/intent-classifier';
import { TestStore } from '../test/support/test-app';
import { percentile, runFor } from './load';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);

async function boot(store: TestStore): Promise<INestApplicationContext> {
  @Module({ imports: [ConfigModule.forRoot(store.config()), CommonModule, DatabaseModule, KbModule] })
  class BenchModule {}
  return NestFactory.createApplicationContext(BenchModule, { logger: false, abortOnError: false });
}

/** Example questions, reworded a little so they are not exact copies. */
function messages(kb: KnowledgeBase): string[] {
  const noise = ['bonjour', 'svp', 'merci', "j'ai un souci", 'depuis hier', 'urgent'];
  const out: string[] = [];
  let i = 0;
  for (const article of kb.articles.values()) {
    for (const example of article.examples) out.push(`${noise[i++ % noise.length]} ${example.toLowerCase()} ${noise[i % noise.length]}`);
  }
  return out;
}

async function measure(label: string, store: TestStore): Promise<void> {
  // Boot of the knowledge base alone: migrations, articles, French analysis of every phrase, model training.
  const b0 = performance.now();
  const app = await boot(store);
  const bootMs = performance.now() - b0;
  try {
    const classifier = app.get(IntentClassifier);
    const texts = messages(app.get(KnowledgeBase));
    let n = 0;
    const once = async () => {
      await classifier.classify(texts[n++ % texts.length]);
      return true;
    };
    // First sight: every text once, so each new word costs its typo-correction query once (remembered afterwards).
    const firstSight: number[] = [];
    for (const text of texts) {
      const s0 = performance.now();
      await classifier.classify(text);
      firstSight.push(performance.now() - s0);
    }
    n = 0;
    const t0 = performance.now();
    const result = await runFor(SECONDS, CONCURRENCY, once);
    const elapsed = (performance.now() - t0) / 1000;
    console.log(
      `${label.padEnd(10)} concurrency=${CONCURRENCY} messages=${result.ok} rate=${(result.ok / elapsed).toFixed(0)}/s ` +
        `p50=${percentile(result.latenciesMs, 50).toFixed(2)}ms p99=${percentile(result.latenciesMs, 99).toFixed(2)}ms boot=${bootMs.toFixed(0)}ms`,
    );
    console.log(
      `${''.padEnd(10)} first sight of each of the ${texts.length} texts (new words corrected): ` +
        `p50=${percentile(firstSight, 50).toFixed(2)}ms p99=${percentile(firstSight, 99).toFixed(2)}ms`,
    );
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const targets: [string, { databaseUrl?: string }][] = [['pglite', {}]];
  if (process.env.DATABASE_URL) targets.push(['postgres', { databaseUrl: process.env.DATABASE_URL }]);
  else console.log('(set DATABASE_URL to measure PostgreSQL too)');
  for (const [label, backend] of targets) {
    const store = await TestStore.create({ LOG_LEVEL: 'error', DEMO_DATA: 'false' }, backend);
    try {
      await measure(label, store);
    } finally {
      await store.destroy();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
