import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors';
import { DirectoryService } from '../directory/directory.service';
import { Person, Viewer } from './ticket-access';

/** Who is acting, from the ENT user id an edge (API header, linked chat identity) names. */
@Injectable()
export class TicketViewers {
  constructor(private readonly directory: DirectoryService) {}

  async viewer(entUserId: string | null, mayReadAll: boolean): Promise<Viewer> {
    if (entUserId) return this.person(entUserId);
    if (mayReadAll) return { kind: 'back_office' };
    throw actorRequired();
  }

  /** Changes are always made by a named person: the author of a message, the one who resolves. */
  async person(entUserId: string | null): Promise<Person> {
    if (!entUserId) throw actorRequired();
    return { kind: 'person', scope: await this.directory.scopeOf(entUserId) };
  }
}

function actorRequired(): DomainError {
  return new DomainError('ACTOR_REQUIRED', 'State the ENT user you act for in the X-On-Behalf-Of header.');
}
