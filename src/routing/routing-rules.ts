import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { INTENT_SPEC } from './intents';
import { ROLES } from '../directory/directory.entities';

/** Where a ticket waits: a school, a circonscription, the académie's SSU, the editor, or nowhere (redirected). */
export const QUEUE_KINDS = ['school', 'circonscription', 'academy', 'editor', 'none'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** Ticket priorities, with the ENT's words; each has its SLA policy per tier. */
export const PRIORITIES = ['mineur', 'majeur', 'bloquant'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const DEFAULT_ROUTING_RULES_FILE = join(__dirname, 'routing-rules.yaml');

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** "90s", "30m", "4h", "1.5h": working time, in milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(\.\d+)?[smh]$/, 'a duration such as 30m or 4h')
  .transform((text) => Math.round(Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS]));

const tierSchema = z
  .object({
    /** Who the tier is, in French, as people read it: the one place texts name a tier's contact. */
    label: z.string().min(1),
    queue: z.enum(QUEUE_KINDS),
    group: z.enum(ROLES).optional(),
    escalatesTo: z.string().optional(),
    redirect: z.string().min(1).optional(),
  })
  .strict()
  .refine((t) => (t.queue === 'none') === (t.redirect !== undefined), 'a tier without queue needs a redirect text, and only it')
  .refine((t) => (t.queue === 'none') === (t.group === undefined), 'a tier with a queue needs a group, and only it');

const policySchema = z.object({ firstResponse: duration, resolution: duration }).strict();

const rulesSchema = z
  .object({
    tiers: z.record(z.string(), tierSchema),
    forwardTo: z.string(),
    sla: z
      .object({
        workingHours: z
          .object({
            timeZone: z.string(),
            days: z.array(z.number().int().min(1).max(7)).min(1),
            start: z.string(),
            end: z.string(),
          })
          .strict(),
        holidays: z.array(z.iso.date()),
        remindAt: z.number().gt(0).lt(1),
        policies: z.record(z.string(), z.record(z.enum(PRIORITIES), policySchema)),
      })
      .strict(),
  })
  .strict()
  .superRefine((rules, ctx) => {
    const tiers = Object.keys(rules.tiers);
    for (const tier of Object.keys(INTENT_SPEC.routes.tiers)) {
      if (!tiers.includes(tier)) ctx.addIssue({ code: 'custom', path: ['tiers'], message: `tier ${tier} of the routing table is not described` });
    }
    for (const [name, tier] of Object.entries(rules.tiers)) {
      if (tier.escalatesTo && !tiers.includes(tier.escalatesTo)) {
        ctx.addIssue({ code: 'custom', path: ['tiers', name, 'escalatesTo'], message: `unknown tier ${tier.escalatesTo}` });
      }
      const policy = rules.sla.policies[name];
      if (tier.queue !== 'none' && (!policy || PRIORITIES.some((p) => !policy[p]))) {
        ctx.addIssue({ code: 'custom', path: ['sla', 'policies', name], message: `tier ${name} needs a policy for each priority` });
      }
    }
    if (!tiers.includes(rules.forwardTo)) ctx.addIssue({ code: 'custom', path: ['forwardTo'], message: `unknown tier ${rules.forwardTo}` });
  });

export type RoutingRules = z.output<typeof rulesSchema>;
export type TierRule = RoutingRules['tiers'][string];

export class RoutingRulesError extends Error {}

/** The loaded rules, injected wherever a decision reads them. */
export const ROUTING_RULES = Symbol('ROUTING_RULES');

/** Reads and validates the rules; a bad file stops the boot with every problem listed. */
export function loadRoutingRules(file = DEFAULT_ROUTING_RULES_FILE, extraHolidays: string[] = []): RoutingRules {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RoutingRulesError(`Routing rules ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = rulesSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new RoutingRulesError(`Routing rules ${file} are invalid:\n  ${problems.join('\n  ')}`);
  }
  const rules = parsed.data;
  rules.sla.holidays = [...new Set([...rules.sla.holidays, ...extraHolidays])].sort();
  return rules;
}
