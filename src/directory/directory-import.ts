import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EntityManager } from 'typeorm';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROFILES } from './profiles';
import { ROLES, SCHOOL_LEVELS } from './directory.entities';

const text = (max = 200) => z.string().trim().min(1).max(max);
const code = text(64).regex(/^[A-Z0-9-]+$/, 'capital letters, digits and dashes');

const schoolSchema = z
  .object({
    structureId: text(128),
    uai: z.string().trim().toUpperCase().regex(/^\d{7}[A-Z]$/, 'a UAI is 7 digits and a letter'),
    name: text(),
    level: z.enum(SCHOOL_LEVELS),
    city: text().optional(),
  })
  .strict();

const roleSchema = z
  .object({ role: z.enum(ROLES), school: text(128).optional(), circonscription: code.optional() })
  .strict()
  .superRefine((r, ctx) => {
    // Each role applies to one kind of scope: a school, a circonscription, the académie, or the editor.
    const needs = { school_admin: 'school', director: 'school', erun: 'circonscription', academic_support: null, editor_support: null }[r.role];
    if (needs === 'school' && (!r.school || r.circonscription)) ctx.addIssue({ code: 'custom', message: `${r.role} needs a school (structureId) and only that` });
    if (needs === 'circonscription' && (!r.circonscription || r.school)) ctx.addIssue({ code: 'custom', message: `${r.role} needs a circonscription code and only that` });
    if (needs === null && (r.school || r.circonscription)) ctx.addIssue({ code: 'custom', message: `${r.role} applies to the whole académie: no school or circonscription` });
  });

export const directoryFileSchema = z
  .object({
    academy: z.object({ code, name: text() }).strict(),
    circonscriptions: z.array(
      z
        .object({
          code,
          name: text(),
          slackChannelId: text(64).optional(),
          discordChannelId: text(64).optional(),
          schools: z.array(schoolSchema).default([]),
        })
        .strict(),
    ),
    people: z
      .array(
        z
          .object({
            entUserId: text(128),
            login: text(128).optional(),
            displayName: text(),
            profile: z.enum(PROFILES).optional(),
            // Accepted from the académie's export but not kept: nothing in Relais writes to people by e-mail.
            email: z.email().optional(),
            slackUserId: text(64).optional(),
            discordUserId: text(64).optional(),
            roles: z.array(roleSchema).default([]),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const schools = new Set(file.circonscriptions.flatMap((c) => c.schools.map((s) => s.structureId)));
    const circonscriptions = new Set(file.circonscriptions.map((c) => c.code));
    file.people.forEach((person, i) =>
      person.roles.forEach((role, j) => {
        if (role.school && !schools.has(role.school)) ctx.addIssue({ code: 'custom', path: ['people', i, 'roles', j], message: `unknown school ${role.school}` });
        if (role.circonscription && !circonscriptions.has(role.circonscription)) {
          ctx.addIssue({ code: 'custom', path: ['people', i, 'roles', j], message: `unknown circonscription ${role.circonscription}` });
        }
      }),
    );
  });

export type DirectoryFile = z.output<typeof directoryFileSchema>;

export class DirectoryImportError extends Error {}

export function readDirectoryFile(path: string): DirectoryFile {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DirectoryImportError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = directoryFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DirectoryImportError(`${path} is not a valid directory file:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

export interface ImportSummary {
  academy: string;
  circonscriptions: number;
  schools: number;
  people: number;
  roles: number;
}

/**
 * Upserts an académie's directory inside the caller's transaction: rows are
 * matched on their natural keys (codes, structure ids, ENT user ids) and keep
 * their ids; the roles of every listed person are replaced by the file's.
 */
export async function importDirectory(m: EntityManager, file: DirectoryFile): Promise<ImportSummary> {
  const upsert = async (sql: string, params: unknown[]): Promise<string> => ((await m.query(sql, params)) as { id: string }[])[0].id;
  const academyId = await upsert(
    `INSERT INTO academies (id, code, name) VALUES ($1, $2, $3)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [randomUUID(), file.academy.code, file.academy.name],
  );
  const circonscriptionIds = new Map<string, string>();
  const schoolIds = new Map<string, string>();
  for (const c of file.circonscriptions) {
    const id = await upsert(
      `INSERT INTO circonscriptions (id, academy_id, code, name, slack_channel_id, discord_channel_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (code) DO UPDATE SET academy_id = EXCLUDED.academy_id, name = EXCLUDED.name,
         slack_channel_id = EXCLUDED.slack_channel_id, discord_channel_id = EXCLUDED.discord_channel_id RETURNING id`,
      [randomUUID(), academyId, c.code, c.name, c.slackChannelId ?? null, c.discordChannelId ?? null],
    );
    circonscriptionIds.set(c.code, id);
    for (const s of c.schools) {
      schoolIds.set(
        s.structureId,
        await upsert(
          `INSERT INTO schools (id, circonscription_id, structure_id, uai, name, level, city) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (structure_id) DO UPDATE SET circonscription_id = EXCLUDED.circonscription_id, uai = EXCLUDED.uai,
             name = EXCLUDED.name, level = EXCLUDED.level, city = EXCLUDED.city RETURNING id`,
          [randomUUID(), id, s.structureId, s.uai, s.name, s.level, s.city ?? null],
        ),
      );
    }
  }
  let roles = 0;
  for (const p of file.people) {
    const personId = await upsert(
      `INSERT INTO people (id, ent_user_id, login, display_name, profile, slack_user_id, discord_user_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (ent_user_id) DO UPDATE SET login = EXCLUDED.login, display_name = EXCLUDED.display_name,
         profile = EXCLUDED.profile, slack_user_id = EXCLUDED.slack_user_id,
         discord_user_id = EXCLUDED.discord_user_id RETURNING id`,
      [randomUUID(), p.entUserId, p.login ?? null, p.displayName, p.profile ?? null, p.slackUserId ?? null, p.discordUserId ?? null],
    );
    await m.query(`DELETE FROM person_roles WHERE person_id = $1`, [personId]);
    for (const r of p.roles) {
      const academyWide = r.role === 'academic_support';
      await m.query(
        `INSERT INTO person_roles (id, person_id, role, school_id, circonscription_id, academy_id) VALUES ($1, $2, $3, $4, $5, $6)`,
        [randomUUID(), personId, r.role, r.school ? schoolIds.get(r.school) : null, r.circonscription ? circonscriptionIds.get(r.circonscription) : null, academyWide ? academyId : null],
      );
      roles++;
    }
  }
  return { academy: file.academy.code, circonscriptions: circonscriptionIds.size, schools: schoolIds.size, people: file.people.length, roles };
}
