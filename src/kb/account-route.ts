import { routeFor } from '../routing/route-table';
import { Profile } from '../directory/profiles';
import { SCHOOL_LEVELS } from '../directory/directory.entities';
import { PROFILES } from '../directory/profiles';
import { Audience } from './answer/audience';
import { categoryOf, Tier } from '../routing/intents';
import { possibleHolders } from './understanding/account-detector';

/**
 * Where a request should go given whose account it is about. A connection
 * problem (identifiers, password, code, blocked account) is handled by whoever
 * manages that account's credentials (seed 001): a pupil's by the teacher or
 * the school's ENT administrator, whoever writes about it; a parent's goes
 * through ÉduConnect and the director. Directory and usage questions keep the
 * writer's profile: they are about the feed or the tool, not one account.
 *
 * `route` of the classify command and of /assist stays the stated profile's
 * (the routing table applied to the writer); this is the account-aware one.
 */
export interface AccountRoute {
  /** The profile of the account the request is about (the writer's when it is their own). */
  profile: Profile | null;
  /** The tier a ticket about this account should go to. */
  route: Tier;
  /** False when the message is about someone else's account. */
  ownAccount: boolean;
}

export function accountProfileFor(intent: string, writer: Profile | null, holder: Profile | null): Profile | null {
  if (!holder || holder === writer || writer === 'Student' || categoryOf(intent) !== 'connection') return writer;
  return holder;
}

export function accountRouteFor(intent: string, writer: Profile | null, holder: Profile | null): AccountRoute {
  const profile = accountProfileFor(intent, writer, holder);
  return { profile, route: routeFor(intent, profile), ownAccount: profile === writer };
}

/** Every audience an answer for this intent may be rendered for: what the boot checks, the tests read and the export lists. */
export function audiencesFor(intent: string): Audience[] {
  const out: Audience[] = [];
  for (const level of [null, ...SCHOOL_LEVELS]) {
    for (const profile of [null, ...PROFILES]) {
      out.push({ profile, account: null, level });
      for (const holder of possibleHolders(profile)) {
        if (accountProfileFor(intent, profile, holder) === holder) out.push({ profile, account: holder, level });
      }
    }
  }
  return out;
}
