import { DomainError } from '../common/errors';
import { Profile } from '../directory/profiles';

/**
 * What Relais asks of the ENT for guarded account actions, whichever ENT answers:
 * the real one over HTTP (`entcore/`) or the demo académie kept in the project's
 * own database (`sandbox/`). Every call that touches someone's account carries the
 * grant of the person who asks, so the ENT applies its own rights on top of ours.
 */

/** ENT profiles are the directory's (`src/directory/profiles.ts`). */
export type EntProfile = Profile;

/** ENT functions that matter here: SUPER_ADMIN (ADMC) and ADMIN_LOCAL (ADML, scoped to structures). */
export const SUPER_ADMIN = 'SUPER_ADMIN';
export const ADMIN_LOCAL = 'ADMIN_LOCAL';

export interface EntFunction {
  code: string;
  /** Structure ids the function applies to (empty for SUPER_ADMIN). */
  scope: string[];
}

export interface EntNamed {
  id: string;
  name: string;
}

/** A person as the ENT's admin look-up shows them. Contact details are only ever masked. */
export interface EntPerson {
  id: string;
  login: string;
  displayName: string;
  profile: EntProfile;
  /** Where the account comes from: AAF, AAF1D (academic feeds), MANUAL, CSV… */
  source: string;
  structures: EntNamed[];
  classes: EntNamed[];
  functions: EntFunction[];
  activated: boolean;
  blocked: boolean;
  maskedEmail: string | null;
  maskedMobile: string | null;
  parents: EntNamed[];
  children: EntNamed[];
}

/** Who a grant belongs to (the ENT's userinfo): enough to apply the rights rules. */
export interface EntIdentity {
  id: string;
  login: string;
  displayName: string;
  profile: EntProfile;
  structures: string[];
  classes: string[];
  functions: EntFunction[];
  children: string[];
}

/** OAuth2 tokens of one person. Secrets: kept encrypted, never logged. */
export interface EntGrant {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date;
}

/** The masked e-mail and mobile on file, as the ENT's forgot-password page offers them. */
export interface PasswordChannels {
  mail: string | null;
  mobile: string | null;
}

/** Like the ENT's page, an unknown login and an account with nothing on file give the same answer. */
export type ChannelsAnswer = { kind: 'channels'; channels: PasswordChannels } | { kind: 'not_activated' } | { kind: 'no_match' };

export type ResetService = 'mail' | 'mobile';

/** The state of a mass block by profile in one structure ("Blocage en lot"). */
export interface ProfileBlock {
  structureId: string;
  profile: EntProfile;
  blocked: boolean;
  since: Date;
}

export abstract class EntPort {
  abstract readonly kind: 'sandbox' | 'entcore';

  /** Where to send a person's browser to log in and grant Relais access (authorization-code flow). */
  abstract authorizationUrl(input: { state: string; redirectUri: string }): string;
  abstract exchangeCode(code: string, redirectUri: string): Promise<EntGrant>;
  /** A new grant from the refresh token; ENT_LINK_EXPIRED when the ENT no longer accepts it. */
  abstract refreshGrant(grant: EntGrant): Promise<EntGrant>;
  abstract whoAmI(grant: EntGrant): Promise<EntIdentity>;

  /** Look-ups are scoped by the ENT to what the grant's owner may see. */
  abstract findByLogin(grant: EntGrant, login: string): Promise<EntPerson | null>;
  abstract searchByName(grant: EntGrant, query: { structureId: string; name: string }): Promise<EntPerson[]>;
  abstract profileBlocks(grant: EntGrant, structureId: string): Promise<ProfileBlock[]>;

  /** The renewal code itself: a secret for the one person entitled to it. */
  abstract generateRenewalCode(grant: EntGrant, login: string): Promise<string>;
  abstract setBlocked(grant: EntGrant, userId: string, blocked: boolean): Promise<void>;

  /** Public ENT routes (the forgot-password page): no grant. */
  abstract passwordChannels(login: string): Promise<ChannelsAnswer>;
  /** The ENT sends its own reset code to the channel already on file; Relais never sees it. */
  abstract forgotPassword(login: string, service: ResetService): Promise<void>;
}

export type EntFailure = 'refused' | 'unavailable' | 'link_expired';

/** ENT failures, typed once for both adapters. */
export function entError(failure: EntFailure, detail: string): DomainError {
  switch (failure) {
    case 'refused':
      return new DomainError('ENT_REFUSED', `The ENT refused the request: ${detail}`);
    case 'unavailable':
      return new DomainError('ENT_UNAVAILABLE', `The ENT could not be reached: ${detail}`);
    case 'link_expired':
      return new DomainError('ENT_LINK_EXPIRED', `The ENT no longer accepts this person's grant: ${detail}`);
  }
}

/** `l***@e***.fr`: enough for the owner to recognise the address, not enough to learn it. */
export function maskEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local[0]}***@${host[0] ?? ''}***${tld}`;
}

/** `06 ** ** ** 78`: the first two and the last two digits. */
export function maskMobile(mobile: string | null | undefined): string | null {
  if (!mobile) return null;
  const digits = mobile.replace(/\D/g, '');
  if (digits.length < 6) return '***';
  return `${digits.slice(0, 2)} ** ** ** ${digits.slice(-2)}`;
}

export function hasFunction(functions: EntFunction[], code: string, structureId?: string): boolean {
  return functions.some((f) => f.code === code && (structureId === undefined || f.scope.includes(structureId)));
}
