import { Brackets, SelectQueryBuilder } from 'typeorm';
import { ActorScope } from '../directory/directory.service';
import { Actor } from './ticket-events';
import { TicketEntity } from './ticket.entity';

/**
 * Who is looking: a person (with their directory scope) or a back-office key
 * that sees everything; `within`, when set, confines either to the tickets of
 * these schools (structure ids: an API key limited to a school, a
 * circonscription or an académie).
 */
export type Viewer = ({ kind: 'person'; scope: ActorScope } | { kind: 'back_office' }) & { within?: readonly string[] };
export type Person = Viewer & { kind: 'person' };

export function personActor(person: Person): Actor {
  return { kind: 'user', id: person.scope.entUserId, name: person.scope.displayName };
}

/** "This ticket field holds one of these values." */
interface Clause {
  field: 'requesterEntId' | 'schoolStructureId' | 'queueKind';
  values: readonly string[];
}

/**
 * The visibility rule, written once as data and read two ways (a predicate on
 * a loaded ticket, a WHERE clause for lists), so the two cannot drift. A
 * person sees the tickets they asked; as staff, those of the schools their
 * roles cover and, for the editor's support, the ones forwarded to the editor.
 */
function staffClauses(scope: ActorScope): Clause[] {
  return [
    { field: 'schoolStructureId', values: scope.schoolStructureIds },
    { field: 'queueKind', values: scope.seesEditorQueue ? ['editor'] : [] },
  ];
}

function requesterClause(scope: ActorScope): Clause {
  return { field: 'requesterEntId', values: [scope.entUserId] };
}

const holds = (ticket: TicketEntity, clauses: Clause[]) => clauses.some((c) => c.values.includes(ticket[c.field] ?? ''));

/** The limit of a confined viewer: every rule holds only inside it. */
export function isWithin(schoolStructureId: string | null, viewer: Viewer): boolean {
  return !viewer.within || (schoolStructureId !== null && viewer.within.includes(schoolStructureId));
}

export function isRequester(ticket: TicketEntity, viewer: Viewer): boolean {
  return viewer.kind === 'person' && isWithin(ticket.schoolStructureId, viewer) && holds(ticket, [requesterClause(viewer.scope)]);
}

/** Staff of the ticket: someone who handles it rather than asks. */
export function isStaffFor(ticket: TicketEntity, viewer: Viewer): boolean {
  if (!isWithin(ticket.schoolStructureId, viewer)) return false;
  return viewer.kind === 'back_office' || holds(ticket, staffClauses(viewer.scope));
}

/** Staff of a school: may ask for help on someone else's behalf there. */
export function isStaffOfSchool(schoolStructureId: string | null, person: Person): boolean {
  return schoolStructureId !== null && isWithin(schoolStructureId, person) && person.scope.schoolStructureIds.includes(schoolStructureId);
}

export function canSee(ticket: TicketEntity, viewer: Viewer): boolean {
  return isRequester(ticket, viewer) || isStaffFor(ticket, viewer);
}

/** Limits a query on tickets (`alias`) to those the viewer may see. */
export function onlyVisible(qb: SelectQueryBuilder<TicketEntity>, alias: string, viewer: Viewer): void {
  if (viewer.within) qb.andWhere(viewer.within.length ? `${alias}.schoolStructureId IN (:...within)` : '1 = 0', { within: viewer.within });
  if (viewer.kind === 'back_office') return;
  const clauses = [requesterClause(viewer.scope), ...staffClauses(viewer.scope)].filter((c) => c.values.length > 0);
  qb.andWhere(
    new Brackets((w) => {
      clauses.forEach((c, i) => w.orWhere(`${alias}.${c.field} IN (:...visible${i})`, { [`visible${i}`]: c.values }));
    }),
  );
}
