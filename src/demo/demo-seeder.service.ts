import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { JsonLogger } from '../common/logging/json-logger';
import { importDirectory, readDirectoryFile } from '../directory/directory-import';
import { AcademyEntity } from '../directory/directory.entities';
import { TicketCreation } from '../tickets/ticket-creation.service';
import { DEMO_DIRECTORY_FILE, DEMO_TICKETS } from './demo-data';

/** Loads the demo académie on first start (empty directory, DEMO_DATA on); never touches existing data. */
@Injectable()
export class DemoSeeder implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: TicketCreation,
    private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData) return;
    if ((await this.db.getRepository(AcademyEntity).count()) > 0) return;
    const directory = readDirectoryFile(DEMO_DIRECTORY_FILE);
    const summary = await this.db.transaction((m) => importDirectory(m, directory));
    for (const demo of DEMO_TICKETS) {
      const person = directory.people.find((p) => p.entUserId === demo.requester)!;
      await this.tickets.create(
        {
          subject: demo.subject,
          description: demo.description,
          channel: 'web',
          priority: demo.priority,
          requester: { entUserId: person.entUserId, login: person.login, displayName: person.displayName, profile: person.profile },
          school: { structureId: demo.school },
        },
        { actor: { kind: 'system', id: 'demo', name: 'Données de démonstration' } },
      );
    }
    this.logger.event('info', 'demo.loaded', { ...summary, tickets: DEMO_TICKETS.length }, 'DemoSeeder');
  }
}
