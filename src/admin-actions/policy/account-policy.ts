import { ADMIN_LOCAL, EntIdentity, EntPerson, hasFunction, ProfileBlock, SUPER_ADMIN } from '../../ent/ent-port';

/**
 * Who may do what to whom, checked before anything reaches the ENT (which then
 * checks again with its own rules). Pure functions over what the ENT says
 * about the actor and the target; each refusal names its reason, and the
 * service turns the reason into the French sentence the person reads.
 */

export type SchoolLevel = 'primary' | 'secondary' | 'unknown';

export type RefusalReason =
  | 'self_target'
  | 'target_is_admin'
  | 'no_code_right'
  | 'staff_credentials'
  | 'parent_educonnect'
  | 'not_activated'
  | 'target_blocked'
  | 'no_block_right'
  | 'block_reason_required'
  | 'already_blocked'
  | 'not_blocked'
  | 'mass_block'
  | 'not_an_approver';

export interface Refusal {
  reason: RefusalReason;
  level?: SchoolLevel;
  massBlock?: ProfileBlock;
}

export type Decision = { allowed: true } | { allowed: false; refusal: Refusal };

const ALLOWED: Decision = { allowed: true };
const refuse = (reason: RefusalReason, extra: Omit<Refusal, 'reason'> = {}): Decision => ({ allowed: false, refusal: { reason, ...extra } });

/** Which credentials an account logs in with (seed 001): ENT ones for pupils and manual accounts, academic ones for staff, ÉduConnect for parents. */
export type CredentialsPath = 'ent' | 'staff' | 'parent';

export function credentialsPath(person: { profile: EntPerson['profile']; source: string }): CredentialsPath {
  if (person.source === 'MANUAL' || person.profile === 'Student' || person.profile === 'Guest') return 'ent';
  return person.profile === 'Relative' ? 'parent' : 'staff';
}

export function isAdminAccount(person: { functions: EntPerson['functions'] }): boolean {
  return hasFunction(person.functions, SUPER_ADMIN) || hasFunction(person.functions, ADMIN_LOCAL);
}

function isSuperAdmin(actor: EntIdentity): boolean {
  return hasFunction(actor.functions, SUPER_ADMIN);
}

function administersTarget(actor: EntIdentity, target: EntPerson): boolean {
  return target.structures.some((s) => hasFunction(actor.functions, ADMIN_LOCAL, s.id));
}

function teachesTarget(actor: EntIdentity, target: EntPerson): boolean {
  return (actor.profile === 'Teacher' || actor.profile === 'Personnel') && target.classes.some((c) => actor.classes.includes(c.id));
}

/** The path an account that is not an ENT one must take instead of a code. */
function pathRefusal(target: EntPerson, level: SchoolLevel): Decision | null {
  const path = credentialsPath(target);
  if (path === 'staff') return refuse('staff_credentials', { level });
  if (path === 'parent') return refuse('parent_educonnect');
  return null;
}

/**
 * Renewal code: the actor is a super admin, a local admin of one of the
 * target's structures, or a teacher of one of the target's classes; the target
 * is a pupil or a manual account, never an admin, activated and not blocked.
 */
export function renewalCodeDecision(actor: EntIdentity, target: EntPerson, level: SchoolLevel): Decision {
  if (actor.id === target.id) return refuse('self_target');
  if (isAdminAccount(target)) return refuse('target_is_admin');
  if (!isSuperAdmin(actor) && !administersTarget(actor, target) && !teachesTarget(actor, target)) return refuse('no_code_right');
  const path = pathRefusal(target, level);
  if (path) return path;
  if (!target.activated) return refuse('not_activated');
  if (target.blocked) return refuse('target_blocked');
  return ALLOWED;
}

/** An approval is decided by someone who could give the code themselves, for an account of the approval's school. */
export function approverDecision(actor: EntIdentity, target: EntPerson, structureId: string, level: SchoolLevel): Decision {
  if (!target.structures.some((s) => s.id === structureId)) return refuse('not_an_approver');
  const decision = renewalCodeDecision(actor, target, level);
  if (!decision.allowed && (decision.refusal.reason === 'no_code_right' || decision.refusal.reason === 'self_target')) return refuse('not_an_approver');
  return decision;
}

export const MIN_BLOCK_REASON = 5;

/**
 * Block and unblock: a super admin, or a local admin of one of the target's
 * structures; a block says why; an account held by a mass block of its
 * profile is unblocked with the whole profile, not one by one.
 */
export function blockDecision(
  actor: EntIdentity,
  target: EntPerson,
  request: { block: boolean; reason?: string | null; profileBlocks: ProfileBlock[] },
): Decision {
  if (actor.id === target.id) return refuse('self_target');
  if (!isSuperAdmin(actor) && !administersTarget(actor, target)) return refuse('no_block_right');
  if (hasFunction(target.functions, SUPER_ADMIN) && !isSuperAdmin(actor)) return refuse('target_is_admin');
  if (request.block) {
    if ((request.reason ?? '').trim().length < MIN_BLOCK_REASON) return refuse('block_reason_required');
    if (target.blocked) return refuse('already_blocked');
    return ALLOWED;
  }
  if (!target.blocked) return refuse('not_blocked');
  const massBlock = request.profileBlocks.find((b) => b.blocked && b.profile === target.profile && target.structures.some((s) => s.id === b.structureId));
  if (massBlock) return refuse('mass_block', { massBlock });
  return ALLOWED;
}

/** Self-service: only ENT credentials are reset through the ENT; staff and parents are told their path. */
export function selfServiceDecision(person: { profile: EntPerson['profile']; source: string }, level: SchoolLevel): Decision {
  const path = credentialsPath(person);
  if (path === 'staff') return refuse('staff_credentials', { level });
  if (path === 'parent') return refuse('parent_educonnect');
  return ALLOWED;
}
