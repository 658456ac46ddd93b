import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { CommonModule } from '../../common/common.module';
import { ConfigError, loadConfig } from '../../config/config';
import { ConfigModule } from '../../config/config.module';
import { DatabaseModule } from '../../database/database.module';
import { routeFor } from '../../routing/route-table';
import { PROFILES } from '../../directory/profiles';
import { KbModule } from '../kb.module';
import { IntentClassifier } from '../understanding/intent-classifier';

/**
 * Batch classification: JSON lines {id, text, profile} on stdin, one line
 * {id, intent, confidence, route} per input on stdout. Runs with no
 * configuration on a throw-away in-memory database (DATABASE_URL to use PostgreSQL).
 * The route comes from the stated profile, as a ticket's would.
 */
const lineSchema = z.object({
  id: z.union([z.string(), z.number()]),
  text: z.string(),
  profile: z.enum(PROFILES).nullable().optional(),
});

async function main(): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error', DEMO_DATA: 'false' };
  if (!env.DATABASE_URL) env.DATA_DIR = 'memory://';
  const config = loadConfig(env);

  @Module({ imports: [ConfigModule.forRoot(config), CommonModule, DatabaseModule, KbModule] })
  class ClassifyCliModule {}

  const app = await NestFactory.createApplicationContext(ClassifyCliModule, { logger: false, abortOnError: false });
  let failures = 0;
  try {
    const classifier = app.get(IntentClassifier);
    for await (const raw of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      if (!raw.trim()) continue;
      const parsed = lineSchema.safeParse(safeJson(raw));
      if (!parsed.success) {
        failures++;
        console.error(`skipped line: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')}`);
        continue;
      }
      const { id, text, profile } = parsed.data;
      const result = await classifier.classify(text);
      const route = routeFor(result.intent, profile ?? null);
      process.stdout.write(JSON.stringify({ id, intent: result.intent, confidence: result.confidence, route }) + '\n');
    }
  } finally {
    await app.close();
  }
  return failures ? 1 : 0;
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
