import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommonModule } from '../../common/common.module';
import { DomainError } from '../../common/errors';
import { ConfigModule } from '../../config/config.module';
import { ConfigError, loadConfig } from '../../config/config';
import { DatabaseModule } from '../../database/database.module';
import { TicketsModule } from '../../tickets/tickets.module';
import { PersonalData } from '../personal-data.service';
import { Retention } from '../retention.service';

const USAGE = `Usage:
  npm run privacy:report                                   what the next retention run would anonymise or delete (JSON)
  npm run privacy:export -- ENT_USER_ID                    every record naming the person, one JSON document
  npm run privacy:erase -- ENT_USER_ID                     the erasure's preview, with its confirmation
  npm run privacy:erase -- ENT_USER_ID --confirm CONFIRMATION [--by NAME]
                                                           erase as previewed (final); recorded with NAME, never the person`;

const ENT_USER_ID = /^[A-Za-z0-9._@:-]{3,128}$/;

async function main(argv: string[]): Promise<number> {
  const [command, entUserId, ...rest] = argv;
  const needsPerson = command === 'export' || command === 'erase';
  if (!['report', 'export', 'erase'].includes(command) || (needsPerson && !ENT_USER_ID.test(entUserId ?? ''))) {
    console.error(USAGE);
    return 2;
  }
  const flag = (name: string) => (rest.indexOf(`--${name}`) >= 0 ? rest[rest.indexOf(`--${name}`) + 1] : undefined);
  const config = { ...loadConfig(), logLevel: 'error' as const, demoData: false };
  @Module({ imports: [ConfigModule.forRoot(config), CommonModule, DatabaseModule, TicketsModule], providers: [PersonalData, Retention] })
  class PrivacyCliModule {}
  const app = await NestFactory.createApplicationContext(PrivacyCliModule, { logger: false, abortOnError: false });
  try {
    if (command === 'report') {
      console.log(JSON.stringify(await app.get(Retention).report(), null, 2));
      return 0;
    }
    const personalData = app.get(PersonalData);
    if (command === 'export') {
      console.log(JSON.stringify(await personalData.export(entUserId), null, 2));
      return 0;
    }
    const confirmation = flag('confirm');
    if (!confirmation) {
      console.log(JSON.stringify(await personalData.preview(entUserId), null, 2));
      return 0;
    }
    console.log(JSON.stringify(await personalData.erase(entUserId, confirmation, `cli:${flag('by') ?? process.env.USER ?? 'unknown'}`), null, 2));
    return 0;
  } catch (error) {
    if (error instanceof DomainError) {
      console.error(`${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
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
