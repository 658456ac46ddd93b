import { categoryOf, INTENT_SPEC, IntentId, Tier } from './intents';
import { PEN_PROFILES, Profile } from '../directory/profiles';

export type RouteRule = (typeof INTENT_SPEC.routes.table)[number];

/**
 * The tier a request goes to, from the routing table: intent × profile, first
 * match wins. An unknown profile matches only the rows written for it
 * (`profile: null`), which ends the table.
 */
export function routeFor(intent: IntentId, profile: Profile | null, table: readonly RouteRule[] = INTENT_SPEC.routes.table): Tier {
  return table[matchingRow(intent, profile, table)].route;
}

/** The index of the row that decides (the last one when none matches). */
export function matchingRow(intent: IntentId, profile: Profile | null, table: readonly RouteRule[] = INTENT_SPEC.routes.table): number {
  const category = categoryOf(intent);
  const index = table.findIndex(
    (rule) =>
      (rule.intent === undefined || rule.intent === intent) &&
      (rule.category === undefined || rule.category === category) &&
      profileMatches(rule.profile, profile),
  );
  return index === -1 ? table.length - 1 : index;
}

function profileMatches(rule: RouteRule['profile'], profile: Profile | null): boolean {
  if (rule === '*') return true;
  if (rule === null) return profile === null;
  if (rule === 'PEN') return profile !== null && PEN_PROFILES.includes(profile);
  return rule === profile;
}
