import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Clock } from '../common/clock';
import { EntcoreAdapter } from './entcore/entcore.adapter';
import { EntPort } from './ent-port';
import { SandboxEntAdapter } from './sandbox/sandbox-ent.adapter';
import { SandboxEnt } from './sandbox/sandbox-ent';
import { SandboxPagesController } from './sandbox/sandbox-pages.controller';
import { SandboxSeeder } from './sandbox/sandbox-seeder';
import { SANDBOX_ENTITIES } from './sandbox/sandbox.entities';
import { SecretBox } from './secret-box';

/** The ENT port for account actions: the real ENT (ENT_ADAPTER=entcore) or the sandbox ENT with its pages. */
@Module({
  imports: [TypeOrmModule.forFeature(SANDBOX_ENTITIES)],
  controllers: [SandboxPagesController],
  providers: [
    SecretBox,
    SandboxEnt,
    SandboxSeeder,
    {
      provide: EntPort,
      inject: [APP_CONFIG, SandboxEnt, Clock],
      useFactory: (config: AppConfig, sandbox: SandboxEnt, clock: Clock): EntPort => {
        const adapter = config.accounts.adapter;
        return adapter.kind === 'entcore' ? new EntcoreAdapter(adapter, clock) : new SandboxEntAdapter(sandbox, config.accounts.publicUrl);
      },
    },
  ],
  exports: [EntPort, SecretBox, SandboxEnt],
})
export class EntPortModule {}
