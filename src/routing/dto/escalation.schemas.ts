import { z } from 'zod';

export const escalationSchema = z
  .object({
    reason: z.string().trim().min(3, 'say why, in a few words').max(2000),
  })
  .strict();
export type EscalationInput = z.output<typeof escalationSchema>;
