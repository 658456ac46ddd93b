import { Injectable } from '@nestjs/common';
import { Caller } from '../auth/api-key.guard';
import { DomainError } from '../common/errors';
import { DirectoryService } from '../directory/directory.service';
import { Person, Viewer } from './ticket-access';

/** Who is acting, from the ENT user id an edge names (an API caller, a linked chat identity), and within which limit. */
@Injectable()
export class TicketViewers {
  constructor(private readonly directory: DirectoryService) {}

  /** An API caller: the person it acts for, or with `tickets:read_all` the back office; confined to its key's limit. */
  async ofCaller(caller: Caller): Promise<Viewer> {
    const within = await this.limitOf(caller);
    if (caller.actorId) return this.confined(await this.person(caller.actorId), within);
    if (caller.key.scopes.includes('tickets:read_all')) return { kind: 'back_office', ...within };
    throw actorRequired();
  }

  /** An API caller that changes something: always a named person. */
  async personOfCaller(caller: Caller): Promise<Person> {
    if (!caller.actorId) throw actorRequired();
    return this.confined(await this.person(caller.actorId), await this.limitOf(caller));
  }

  /**
   * A limited key acts only for people of its schools: one whose roles all lie
   * elsewhere (another school's admin) is refused; anyone else acts confined
   * to the limit's tickets (a pupil or a parent, whose school the directory may not know).
   */
  private confined(person: Person, limit: { within?: string[] }): Person {
    const { within } = limit;
    const schools = person.scope.schoolStructureIds;
    if (within && schools.length > 0 && !schools.some((s) => within.includes(s))) {
      throw new DomainError('FORBIDDEN_SCOPE', `This API key may not act for ${person.scope.entUserId}: their schools are outside its limit.`);
    }
    return { ...person, ...limit };
  }

  async person(entUserId: string): Promise<Person> {
    return { kind: 'person', scope: await this.directory.scopeOf(entUserId) };
  }

  private async limitOf(caller: Caller): Promise<{ within?: string[] }> {
    const limit = caller.key.actAsWithin;
    return limit ? { within: await this.directory.schoolsWithin(limit.kind, limit.id) } : {};
  }
}

function actorRequired(): DomainError {
  return new DomainError('ACTOR_REQUIRED', 'Say whom you act for: a personal API key, or X-On-Behalf-Of with an act_as key.');
}
