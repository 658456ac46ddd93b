import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PROFILES } from '../../directory/profiles';

/** The demo académie as its ENT knows it (the sandbox ENT, and the tests' entcore stand-in). */
export const DEMO_ENT_FILE = join(__dirname, 'sandbox-demo-data.yaml');

const id = z.string().regex(/^[\w-]{1,64}$/);

export const demoEntSchema = z
  .object({
    password: z.string().min(6),
    structures: z.array(z.object({ id, name: z.string().min(1), classes: z.array(z.object({ id, name: z.string().min(1) })).default([]) })),
    users: z.array(
      z.object({
        id,
        login: z.string().regex(/^[a-z0-9.-]{2,64}$/),
        firstName: z.string().min(1),
        lastName: z.string().min(1),
        profile: z.enum(PROFILES),
        source: z.string().min(1),
        structures: z.array(id).default([]),
        classes: z.array(id).default([]),
        children: z.array(id).default([]),
        functions: z.array(z.object({ code: z.string(), scope: z.array(id).default([]) })).default([]),
        email: z.string().email().optional(),
        mobile: z.string().regex(/^\d{10}$/).optional(),
        activationCode: z.string().min(6).optional(),
      }).strict(),
    ),
    profileBlocks: z.array(z.object({ structure: id, profile: z.enum(PROFILES) })).default([]),
  })
  .strict();

export type DemoEnt = z.output<typeof demoEntSchema>;

export function readDemoEnt(file = DEMO_ENT_FILE): DemoEnt {
  return demoEntSchema.parse(parseYaml(readFileSync(file, 'utf8')));
}
