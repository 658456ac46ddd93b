import { z } from 'zod';
import { PROFILES } from '../directory/profiles';
import spec from './spec/intents.json';

/**
 * The intent catalogue and routing table, kept verbatim from the shared spec
 * (src/routing/spec/intents.json; a test checks it still matches). Validated here
 * so a bad edit stops the boot.
 */
const routeRuleSchema = z
  .object({
    intent: z.string().optional(),
    category: z.string().optional(),
    profile: z.union([z.enum(PROFILES), z.literal('PEN'), z.literal('*'), z.null()]),
    route: z.string(),
  })
  .strict();

const specSchema = z.object({
  version: z.literal(1),
  profiles: z.record(z.enum(PROFILES), z.string()),
  categories: z.record(z.string(), z.string()),
  intents: z.array(z.object({ id: z.string(), category: z.string(), title: z.string(), asks: z.string(), seeds: z.array(z.string()) })),
  routes: z.object({ tiers: z.record(z.string(), z.string()), table: z.array(routeRuleSchema).min(1) }),
});

export const INTENT_SPEC = specSchema
  .superRefine((s, ctx) => {
    const intents = new Set(s.intents.map((i) => i.id));
    for (const [i, intent] of s.intents.entries()) {
      if (!(intent.category in s.categories)) ctx.addIssue({ code: 'custom', path: ['intents', i, 'category'], message: `unknown category ${intent.category}` });
    }
    for (const [i, rule] of s.routes.table.entries()) {
      if (rule.intent && !intents.has(rule.intent)) ctx.addIssue({ code: 'custom', path: ['routes', 'table', i], message: `unknown intent ${rule.intent}` });
      if (rule.category && !(rule.category in s.categories)) ctx.addIssue({ code: 'custom', path: ['routes', 'table', i], message: `unknown category ${rule.category}` });
      if (!(rule.route in s.routes.tiers)) ctx.addIssue({ code: 'custom', path: ['routes', 'table', i], message: `unknown tier ${rule.route}` });
    }
  })
  .parse(spec);

export type IntentId = string;
export const OTHER_INTENT = 'other';
export const INTENT_IDS: readonly string[] = INTENT_SPEC.intents.map((i) => i.id);
export const ANSWERABLE_INTENT_IDS: readonly string[] = INTENT_IDS.filter((id) => id !== OTHER_INTENT);
export const TIERS = Object.keys(INTENT_SPEC.routes.tiers);
export type Tier = string;

const categoryById = new Map(INTENT_SPEC.intents.map((i) => [i.id, i.category]));

export function categoryOf(intent: IntentId): string {
  const category = categoryById.get(intent);
  if (!category) throw new RangeError(`unknown intent ${intent}`);
  return category;
}

export function isIntentId(value: string): boolean {
  return categoryById.has(value);
}
