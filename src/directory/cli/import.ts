import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConfigModule } from '../../config/config.module';
import { ConfigError, loadConfig } from '../../config/config';
import { CommonModule } from '../../common/common.module';
import { DatabaseModule } from '../../database/database.module';
import { DirectoryImportError, importDirectory, readDirectoryFile } from '../directory-import';
import { DirectoryModule } from '../directory.module';

const USAGE = `Usage: npm run directory:import -- <directory.yaml>
Upserts an académie, its circonscriptions, schools and people (see src/demo/demo-directory.yaml for the format).
A running service picks the changes up within a minute (its look-up cache).`;

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    console.error(USAGE);
    return 2;
  }
  // Validated before touching the database: a bad file changes nothing.
  const file = readDirectoryFile(argv[0]);
  const config = { ...loadConfig(), logLevel: 'error' as const, demoData: false };
  @Module({ imports: [ConfigModule.forRoot(config), CommonModule, DatabaseModule, DirectoryModule] })
  class DirectoryCliModule {}
  const app = await NestFactory.createApplicationContext(DirectoryCliModule, { logger: false, abortOnError: false });
  try {
    const db = app.get<DataSource>(getDataSourceToken());
    const summary = await db.transaction((m) => importDirectory(m, file));
    console.log(JSON.stringify(summary));
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof DirectoryImportError;
    console.error(known || error instanceof Error ? (error as Error).message : String(error));
    process.exit(1);
  },
);
