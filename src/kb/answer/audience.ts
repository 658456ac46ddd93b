import { SCHOOL_LEVELS, SchoolLevel } from '../../directory/directory.entities';
import { PROFILES, Profile } from '../../directory/profiles';

/** Who reads an answer, about whose account, in which kind of school. */
export interface Audience {
  /** The reader's profile; null when unknown (the answer then names every case). */
  profile: Profile | null;
  /**
   * The profile of the account the question is about when it is someone
   * else's (a teacher about a pupil, a parent about their child); null when it
   * is the reader's own account or no account is concerned.
   */
  account: Profile | null;
  /** primary: écoles (ONDE, ONE); secondary: collèges and lycées (Siècle, STSweb); null when unknown. */
  level: SchoolLevel | null;
  schoolName?: string;
}

/** Groups usable in section selectors, as in the routing table. */
const GROUPS: Record<string, readonly Profile[]> = {
  PEN: ['Teacher', 'Personnel'],
  LOCAL: ['Student', 'Guest'],
  ...Object.fromEntries(PROFILES.map((p) => [p, [p]])),
};

/**
 * Which readers an article section is written for, from its heading line
 * `::: <readers>[><account holders>] [@primary|@secondary]`:
 * `::: *` everyone (the only one an unknown reader gets), `::: PEN` teachers and
 * personnel, `::: Relative,Guest`, `::: Teacher>Student` a teacher about a
 * pupil's account, `::: PEN @secondary` staff of a collège or lycée.
 */
export interface SectionSelector {
  source: string;
  readers: ReadonlySet<Profile> | null;
  accounts: ReadonlySet<Profile> | null;
  level: SchoolLevel | null;
}

export class SelectorError extends Error {}

function profiles(list: string, source: string): Set<Profile> {
  const out = new Set<Profile>();
  for (const name of list.split(',')) {
    const group = GROUPS[name.trim()];
    if (!group) throw new SelectorError(`section "${source}": unknown profile or group "${name}"`);
    group.forEach((p) => out.add(p));
  }
  return out;
}

export function parseSelector(source: string): SectionSelector {
  let readers: Set<Profile> | null = null;
  let accounts: Set<Profile> | null = null;
  let level: SchoolLevel | null = null;
  const tokens = source.trim().split(/\s+/);
  for (const token of tokens) {
    if (token.startsWith('@')) {
      const name = token.slice(1);
      if (!(SCHOOL_LEVELS as readonly string[]).includes(name)) throw new SelectorError(`section "${source}": unknown level "${name}"`);
      level = name as SchoolLevel;
    } else {
      const [who, whose] = token.split('>');
      readers = who === '*' ? null : profiles(who, source);
      if (whose !== undefined) accounts = profiles(whose, source);
    }
  }
  return { source, readers, accounts, level };
}

/**
 * How well a section fits an audience: -1 when it does not apply. A section
 * about someone else's account beats one about any account; a reader named
 * alone beats a group, a group beats everyone; a level breaks the tie.
 */
export function fit(selector: SectionSelector, audience: Audience): number {
  let score = 0;
  if (selector.readers) {
    if (!audience.profile || !selector.readers.has(audience.profile)) return -1;
    score += selector.readers.size === 1 ? 20 : 10;
  }
  if (selector.accounts) {
    if (!audience.account || !selector.accounts.has(audience.account)) return -1;
    score += 100;
  }
  if (selector.level) {
    if (audience.level !== selector.level) return -1;
    score += 1;
  }
  return score;
}
