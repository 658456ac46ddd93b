import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { ConfigModule } from '../../config/config.module';
import { ConfigError, loadConfig } from '../../config/config';
import { CommonModule } from '../../common/common.module';
import { DatabaseModule } from '../../database/database.module';
import { AuthModule } from '../auth.module';
import { ApiKeyService } from '../api-key.service';
import { SCOPE_NAMES, SCOPES } from '../scopes';

const USAGE = `Usage:
  npm run api-key -- create --name <name> --scopes <scope,scope>
  npm run api-key -- list
  npm run api-key -- revoke <id or prefix>
Scopes:
${SCOPE_NAMES.map((s) => `  ${s.padEnd(18)} ${SCOPES[s]}`).join('\n')}`;

const createArgs = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(SCOPE_NAMES as [string, ...string[]])).min(1)),
});

function flags(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--')) out[args[i].slice(2)] = args[i + 1] ?? '';
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || !['create', 'list', 'revoke'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const config = { ...loadConfig(), logLevel: 'error' as const, demoData: false };
  @Module({ imports: [ConfigModule.forRoot(config), CommonModule, DatabaseModule, AuthModule] })
  class ApiKeyCliModule {}
  const app = await NestFactory.createApplicationContext(ApiKeyCliModule, { logger: false, abortOnError: false });
  try {
    const keys = app.get(ApiKeyService);
    if (command === 'create') {
      const parsed = createArgs.safeParse(flags(rest));
      if (!parsed.success) {
        console.error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n') + '\n\n' + USAGE);
        return 2;
      }
      const { id, key } = await keys.create(parsed.data.name, parsed.data.scopes as (typeof SCOPE_NAMES)[number][]);
      // Printed once, to the person who ran the command; only its hash is stored.
      console.log(JSON.stringify({ id, name: parsed.data.name, scopes: parsed.data.scopes, key }));
      return 0;
    }
    if (command === 'list') {
      for (const k of await keys.list()) {
        console.log(JSON.stringify({ id: k.id, name: k.name, prefix: `rk_${k.prefix}_…`, scopes: k.scopes, createdAt: k.createdAt, revokedAt: k.revokedAt }));
      }
      return 0;
    }
    if (!rest[0]) {
      console.error(USAGE);
      return 2;
    }
    const revoked = await keys.revoke(rest[0]);
    console.log(revoked ? `revoked ${rest[0]}` : `no live key ${rest[0]}`);
    return revoked ? 0 : 1;
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
