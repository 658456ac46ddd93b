/** ENT profiles, as the ENT names them (entcore `type`). */
export const PROFILES = ['Teacher', 'Personnel', 'Relative', 'Student', 'Guest'] as const;
export type Profile = (typeof PROFILES)[number];

/** Staff of the national education (PEN): they log in with academic credentials. */
export const PEN_PROFILES: readonly Profile[] = ['Teacher', 'Personnel'];
