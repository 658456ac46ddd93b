import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { JsonLogger } from '../common/logging/json-logger';
import {
  AcademyEntity,
  CirconscriptionEntity,
  PersonEntity,
  PersonRoleEntity,
  SchoolEntity,
} from '../directory/directory.entities';
import { TicketsService } from '../tickets/tickets.service';
import { DEMO_ACADEMY, DEMO_CIRCONSCRIPTIONS, DEMO_PEOPLE, DEMO_SCHOOLS, DEMO_TICKETS } from './demo-data';

/** Loads the demo académie on first start (empty directory, DEMO_DATA on); never touches existing data. */
@Injectable()
export class DemoSeeder implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: TicketsService,
    private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoData) return;
    if ((await this.db.getRepository(AcademyEntity).count()) > 0) return;
    await this.seedDirectory();
    await this.seedTickets();
    this.logger.event('info', 'demo.loaded', { schools: DEMO_SCHOOLS.length, people: DEMO_PEOPLE.length, tickets: DEMO_TICKETS.length }, 'DemoSeeder');
  }

  private seedDirectory(): Promise<void> {
    return this.db.transaction(async (m) => {
      await m.insert(AcademyEntity, DEMO_ACADEMY);
      const circonscriptionIds = new Map<string, string>();
      for (const c of DEMO_CIRCONSCRIPTIONS) {
        await m.insert(CirconscriptionEntity, { ...c, academyId: DEMO_ACADEMY.id });
        circonscriptionIds.set(c.code, c.id);
      }
      const schoolIds = new Map<string, string>();
      for (const { circonscription, ...school } of DEMO_SCHOOLS) {
        await m.insert(SchoolEntity, { ...school, circonscriptionId: circonscriptionIds.get(circonscription)! });
        schoolIds.set(school.structureId, school.id);
      }
      for (const { roles, ...person } of DEMO_PEOPLE) {
        const personId = randomUUID();
        await m.insert(PersonEntity, { ...person, id: personId, email: null, slackUserId: null, discordUserId: null });
        for (const r of roles) {
          await m.insert(PersonRoleEntity, {
            id: randomUUID(),
            personId,
            role: r.role,
            schoolId: r.school ? schoolIds.get(r.school)! : null,
            circonscriptionId: r.circonscription ? circonscriptionIds.get(r.circonscription)! : null,
            academyId: r.academy ? DEMO_ACADEMY.id : null,
          });
        }
      }
    });
  }

  private async seedTickets(): Promise<void> {
    for (const demo of DEMO_TICKETS) {
      const person = DEMO_PEOPLE.find((p) => p.entUserId === demo.requester)!;
      const school = DEMO_SCHOOLS.find((s) => s.structureId === demo.school)!;
      await this.tickets.create(
        {
          subject: demo.subject,
          description: demo.description,
          channel: 'web',
          priority: demo.priority,
          requester: { entUserId: person.entUserId, login: person.login, displayName: person.displayName, profile: person.profile },
          school: { structureId: school.structureId, uai: school.uai },
        },
        { kind: 'system', id: 'demo', name: 'Données de démonstration' },
      );
    }
  }
}
