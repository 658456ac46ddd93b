import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { JsonLogger } from '../../common/logging/json-logger';
import { readDemoEnt } from './sandbox-demo-data';
import { SandboxClassEntity, SandboxStructureEntity, SandboxUserEntity } from './sandbox.entities';
import { SandboxEnt } from './sandbox-ent';
import { hashPassword } from './sandbox-passwords';

/** Loads the demo académie into the sandbox ENT on first start (DEMO_DATA, sandbox adapter); never touches existing accounts. */
@Injectable()
export class SandboxSeeder implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ent: SandboxEnt,
    private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData || this.config.accounts.adapter.kind !== 'sandbox' || !(await this.ent.isEmpty())) return;
    const demo = readDemoEnt();
    const users = await Promise.all(
      demo.users.map(async (u): Promise<SandboxUserEntity> => ({
        id: u.id,
        login: u.login,
        firstName: u.firstName,
        lastName: u.lastName,
        displayName: `${u.firstName} ${u.lastName}`,
        profile: u.profile,
        source: u.source,
        structureIds: u.structures,
        classIds: u.classes,
        childIds: u.children,
        functions: u.functions,
        email: u.email ?? null,
        mobile: u.mobile ?? null,
        passwordHash: u.activationCode ? null : await hashPassword(demo.password),
        activationCodeDigest: u.activationCode ? this.ent.activationDigest(u.id, u.activationCode) : null,
        blocked: false,
      })),
    );
    await this.db.transaction(async (m) => {
      await m.getRepository(SandboxStructureEntity).insert(demo.structures.map((s) => ({ id: s.id, name: s.name })));
      await m.getRepository(SandboxClassEntity).insert(demo.structures.flatMap((s) => s.classes.map((c) => ({ id: c.id, name: c.name, structureId: s.id }))));
      await m.getRepository(SandboxUserEntity).insert(users);
    });
    for (const block of demo.profileBlocks) await this.ent.blockProfile(block.structure, block.profile, true);
    this.logger.event('info', 'sandbox_ent.loaded', { users: users.length, structures: demo.structures.length }, 'SandboxSeeder');
  }
}
