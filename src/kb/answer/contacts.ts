import { SchoolLevel } from '../../directory/directory.entities';
import { routeFor } from '../../routing/route-table';
import { RoutingRules } from '../../routing/routing-rules';
import { PROFILES, Profile } from '../../directory/profiles';
import { Tier } from '../../routing/intents';

/**
 * Names of the people an answer sends the reader to, from one source: the
 * routing rules' tier labels (`label`, `labelSecondary` in a collège or lycée).
 * The tier itself comes from the routing table, so what the text says and
 * where a ticket goes are the same thing.
 */
export class Contacts {
  constructor(private readonly tiers: RoutingRules['tiers']) {}

  label(tier: Tier, level: SchoolLevel | null): string {
    const rule = this.tiers[tier];
    if (!rule) throw new RangeError(`unknown tier ${tier}`);
    return level === 'secondary' ? (rule.labelSecondary ?? rule.label) : rule.label;
  }

  /** Every tier's label for a level (what templates call `tiers.<name>`). */
  labels(level: SchoolLevel | null): Record<Tier, string> {
    return Object.fromEntries(Object.keys(this.tiers).map((t) => [t, this.label(t, level)]));
  }

  /** Who each profile turns to for this intent (what templates call `contacts.<Profile>`). */
  byProfile(intent: string, level: SchoolLevel | null): Record<Profile, string> {
    return Object.fromEntries(PROFILES.map((p) => [p, this.label(routeFor(intent, p), level)])) as Record<Profile, string>;
  }
}

/** "à" or "de" before a label, contracted as French wants (au, du, aux, des). */
export function withPreposition(preposition: 'à' | 'de', label: string): string {
  const match = /^(le|les) (.*)$/.exec(label);
  if (!match) return `${preposition} ${label}`;
  const contracted = { à: { le: 'au', les: 'aux' }, de: { le: 'du', les: 'des' } }[preposition][match[1] as 'le' | 'les'];
  return `${contracted} ${match[2]}`;
}
