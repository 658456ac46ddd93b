import { z } from 'zod';

/** PostgreSQL text cannot hold NUL: such input is refused with the other input errors instead of failing at the database. */
export const hasNoNul = (s: string) => !s.includes('\u0000');
export const NUL_MESSAGE = 'must not contain a NUL character';

/** Text someone typed: trimmed, bounded, storable. */
export const textField = (min: number, max: number) => z.string().trim().min(min).max(max).refine(hasNoNul, NUL_MESSAGE);
