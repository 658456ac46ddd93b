import { ADMIN_LOCAL, EntFunction, EntProfile, hasFunction, SUPER_ADMIN } from '../ent-port';

/**
 * The ENT's own rights, as the sandbox enforces them (entcore's filters on
 * /auth and /directory). Deliberately separate from Relais's policy: the ENT
 * checks again whatever Relais already checked.
 */
export interface RightsSubject {
  id: string;
  profile: EntProfile;
  structureIds: string[];
  classIds: string[];
  functions: EntFunction[];
}

export function isSuperAdmin(user: RightsSubject): boolean {
  return hasFunction(user.functions, SUPER_ADMIN);
}

export function isLocalAdminOf(actor: RightsSubject, target: RightsSubject): boolean {
  return target.structureIds.some((s) => hasFunction(actor.functions, ADMIN_LOCAL, s));
}

function teachesClassOf(actor: RightsSubject, target: RightsSubject): boolean {
  return (actor.profile === 'Teacher' || actor.profile === 'Personnel') && target.classIds.some((c) => actor.classIds.includes(c));
}

/** The directory shows the people of one's own structures (everyone to a super admin). */
export function maySee(actor: RightsSubject, target: RightsSubject): boolean {
  return actor.id === target.id || isSuperAdmin(actor) || target.structureIds.some((s) => actor.structureIds.includes(s));
}

/** `POST /auth/generatePasswordRenewalCode`: ADMC; an ADML of a target's structure; a teacher of a target's class. Never an ADMC by a non-ADMC. */
export function mayGenerateCode(actor: RightsSubject, target: RightsSubject): boolean {
  if (isSuperAdmin(target) && !isSuperAdmin(actor)) return false;
  return isSuperAdmin(actor) || isLocalAdminOf(actor, target) || teachesClassOf(actor, target);
}

/** `PUT /auth/block/:userId`: ADMC, or ADML of a structure containing the user. */
export function mayBlock(actor: RightsSubject, target: RightsSubject): boolean {
  if (isSuperAdmin(target) && !isSuperAdmin(actor)) return false;
  return isSuperAdmin(actor) || isLocalAdminOf(actor, target);
}

/** Mass block traces and profile blocks: ADMC or ADML of the structure. */
export function administersStructure(actor: RightsSubject, structureId: string): boolean {
  return isSuperAdmin(actor) || hasFunction(actor.functions, ADMIN_LOCAL, structureId);
}
