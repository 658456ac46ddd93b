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
import { ActAsWithin, SCOPE_NAMES, SCOPES } from '../scopes';

const USAGE = `Usage:
  npm run api-key -- create --name <name> --scopes <scope,scope> [--person <ENT user id>] [--act-as-within school:<structure id>|circonscription:<code>|academy:<code>]
  npm run api-key -- list
  npm run api-key -- revoke <id or prefix>
Scopes:
${SCOPE_NAMES.map((s) => `  ${s.padEnd(18)} ${SCOPES[s]}`).join('\n')}
A personal key (--person) acts for that person without X-On-Behalf-Of; an act_as key for the person the header names,
within its limit (--act-as-within) when it has one.`;

const createArgs = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z
      .string()
      .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
      .pipe(z.array(z.enum(SCOPE_NAMES as [string, ...string[]])).min(1)),
    person: z.string().regex(/^[\w.@:-]{1,128}$/, 'an ENT user id').optional(),
    'act-as-within': z
      .string()
      .regex(/^(school|circonscription|academy):[\w.@:-]{1,128}$/, 'school:<structure id>, circonscription:<code> or academy:<code>')
      .transform((v) => ({ kind: v.slice(0, v.indexOf(':')) as ActAsWithin['kind'], id: v.slice(v.indexOf(':') + 1) }))
      .optional(),
  })
  .refine((a) => !(a.person && a.scopes.includes('act_as')), { message: 'a personal key acts for its person only: no act_as', path: ['person'] })
  .refine((a) => !a['act-as-within'] || a.scopes.includes('act_as'), { message: 'a limit for act_as needs the act_as scope', path: ['act-as-within'] });

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
  // Arguments are checked before touching the database: a wrong command changes nothing.
  const parsed = command === 'create' ? createArgs.safeParse(flags(rest)) : null;
  if (parsed && !parsed.success) {
    console.error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n') + '\n\n' + USAGE);
    return 2;
  }
  if (command === 'revoke' && !rest[0]) {
    console.error(USAGE);
    return 2;
  }
  const config = { ...loadConfig(), logLevel: 'error' as const, demoData: false };
  @Module({ imports: [ConfigModule.forRoot(config), CommonModule, DatabaseModule, AuthModule] })
  class ApiKeyCliModule {}
  const app = await NestFactory.createApplicationContext(ApiKeyCliModule, { logger: false, abortOnError: false });
  try {
    const keys = app.get(ApiKeyService);
    if (parsed?.success) {
      const { name, scopes, person, 'act-as-within': actAsWithin } = parsed.data;
      const { id, key } = await keys.create(name, scopes as (typeof SCOPE_NAMES)[number][], { person, actAsWithin });
      // Printed once, to the person who ran the command; only its hash is stored.
      console.log(JSON.stringify({ id, name, scopes, person, actAsWithin, key }));
      return 0;
    }
    if (command === 'list') {
      for (const k of await keys.list()) {
        const actAsWithin = k.actAsWithinKind ? `${k.actAsWithinKind}:${k.actAsWithinId}` : null;
        console.log(JSON.stringify({ id: k.id, name: k.name, prefix: `rk_${k.prefix}_…`, scopes: k.scopes, person: k.personEntId, actAsWithin, createdAt: k.createdAt, revokedAt: k.revokedAt }));
      }
      return 0;
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
