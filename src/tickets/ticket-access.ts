import { Brackets, SelectQueryBuilder } from 'typeorm';
import { ActorScope } from '../directory/directory.service';
import { TicketEntity } from './ticket.entity';

/** Who is looking: a person (with their directory scope) or a back-office key that sees everything. */
export type Viewer = { kind: 'person'; scope: ActorScope } | { kind: 'back_office' };
export type Person = Viewer & { kind: 'person' };

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

export function isRequester(ticket: TicketEntity, viewer: Viewer): boolean {
  return viewer.kind === 'person' && holds(ticket, [requesterClause(viewer.scope)]);
}

/** Staff of the ticket: someone who handles it rather than asks. */
export function isStaffFor(ticket: TicketEntity, viewer: Viewer): boolean {
  return viewer.kind === 'back_office' || holds(ticket, staffClauses(viewer.scope));
}

export function canSee(ticket: TicketEntity, viewer: Viewer): boolean {
  return isRequester(ticket, viewer) || isStaffFor(ticket, viewer);
}

/** Limits a query on tickets (`alias`) to those the viewer may see. */
export function onlyVisible(qb: SelectQueryBuilder<TicketEntity>, alias: string, viewer: Viewer): void {
  if (viewer.kind === 'back_office') return;
  const clauses = [requesterClause(viewer.scope), ...staffClauses(viewer.scope)].filter((c) => c.values.length > 0);
  qb.andWhere(
    new Brackets((w) => {
      clauses.forEach((c, i) => w.orWhere(`${alias}.${c.field} IN (:...visible${i})`, { [`visible${i}`]: c.values }));
    }),
  );
}
