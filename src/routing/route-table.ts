import { categoryOf, INTENT_SPEC, IntentId, Tier } from '../kb/intents';
import { Profile } from '../tickets/ticket.entity';

const PEN: readonly Profile[] = ['Teacher', 'Personnel'];

export type RouteRule = (typeof INTENT_SPEC.routes.table)[number];

/**
 * The tier a request goes to, from the routing table: intent × profile, first
 * match wins. An unknown profile matches only the rows written for it
 * (`profile: null`), which ends the table.
 */
export function routeFor(intent: IntentId, profile: Profile | null, table: readonly RouteRule[] = INTENT_SPEC.routes.table): Tier {
  const category = categoryOf(intent);
  for (const rule of table) {
    if (rule.intent !== undefined && rule.intent !== intent) continue;
    if (rule.category !== undefined && rule.category !== category) continue;
    if (profileMatches(rule.profile, profile)) return rule.route;
  }
  return table[table.length - 1].route;
}

function profileMatches(rule: RouteRule['profile'], profile: Profile | null): boolean {
  if (rule === '*') return true;
  if (rule === null) return profile === null;
  if (rule === 'PEN') return profile !== null && PEN.includes(profile);
  return rule === profile;
}
