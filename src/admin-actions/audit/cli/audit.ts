import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { z } from 'zod';
import { ConfigModule } from '../../../config/config.module';
import { ConfigError, loadConfig } from '../../../config/config';
import { CommonModule } from '../../../common/common.module';
import { DatabaseModule } from '../../../database/database.module';
import { AuditEntryEntity, AuditHeadEntity } from '../audit-entry.entity';
import { AuditLogService } from '../audit-log.service';

const USAGE = `Usage:
  npm run audit:verify                      check the hash chain; exit 1 and the first broken row when it is broken
  npm run audit:list -- [--limit N] [--before SEQ] [--target ENT_USER_ID] [--actor ENT_USER_ID]
                                            rows newest first, one JSON object a line`;

const listArgs = z
  .object({
    limit: z.coerce.number().int().min(1).max(10_000).default(50),
    before: z.coerce.number().int().min(1).optional(),
    target: z.string().min(1).optional(),
    actor: z.string().min(1).optional(),
  })
  .strict();

function flags(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--')) out[args[i].slice(2)] = args[i + 1] ?? '';
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'verify' && command !== 'list') {
    console.error(USAGE);
    return 2;
  }
  const config = { ...loadConfig(), logLevel: 'error' as const, demoData: false };
  @Module({ imports: [ConfigModule.forRoot(config), CommonModule, DatabaseModule, TypeOrmModule.forFeature([AuditEntryEntity, AuditHeadEntity])], providers: [AuditLogService] })
  class AuditCliModule {}
  const app = await NestFactory.createApplicationContext(AuditCliModule, { logger: false, abortOnError: false });
  try {
    const audit = app.get(AuditLogService);
    if (command === 'verify') {
      const check = await audit.verify();
      if (check.ok) {
        console.log(JSON.stringify({ ok: true, rows: check.rows, head: check.headHash }));
        return 0;
      }
      console.error(`audit log broken at row ${check.seq}: ${check.problem.replace(/_/g, ' ')}`);
      console.log(JSON.stringify(check));
      return 1;
    }
    const parsed = listArgs.safeParse(flags(rest));
    if (!parsed.success) {
      console.error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n') + '\n\n' + USAGE);
      return 2;
    }
    const rows = await audit.list({ limit: parsed.data.limit, before: parsed.data.before, targetEntUserId: parsed.data.target, actorEntUserId: parsed.data.actor });
    for (const row of rows) console.log(JSON.stringify(row));
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
