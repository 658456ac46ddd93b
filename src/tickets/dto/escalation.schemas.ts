import { z } from 'zod';
import { hasNoLoneSurrogate, hasNoNul, LONE_SURROGATE_MESSAGE, NUL_MESSAGE } from '../../common/text-field';

export const escalationSchema = z
  .object({
    reason: z.string().trim().min(3, 'say why, in a few words').max(2000).refine(hasNoNul, NUL_MESSAGE).refine(hasNoLoneSurrogate, LONE_SURROGATE_MESSAGE),
  })
  .strict();
export type EscalationInput = z.output<typeof escalationSchema>;
