import { ActorScope } from '../directory/directory.service';
import { TicketEntity } from './ticket.entity';

/** Who is looking: a person (with their directory scope) or a back-office key that sees everything. */
export type Viewer = { kind: 'person'; scope: ActorScope } | { kind: 'back_office' };

export function isRequester(ticket: TicketEntity, viewer: Viewer): boolean {
  return viewer.kind === 'person' && ticket.requesterEntId === viewer.scope.entUserId;
}

/** Staff of the ticket: someone who handles it rather than asks. */
export function isStaffFor(ticket: TicketEntity, viewer: Viewer): boolean {
  if (viewer.kind === 'back_office') return true;
  const { scope } = viewer;
  return (
    (ticket.schoolStructureId !== null && scope.schoolStructureIds.includes(ticket.schoolStructureId)) ||
    (scope.seesEditorQueue && ticket.tier === 'editor_support')
  );
}

export function canSee(ticket: TicketEntity, viewer: Viewer): boolean {
  return isRequester(ticket, viewer) || isStaffFor(ticket, viewer);
}
