import { z } from 'zod';
import { defineJob, JobDefinition } from './job';

/** Every job the service knows, with its retry policy. Each must have exactly one `@OnJob` handler. */
export const JOBS = {
  purgeIdempotencyKeys: defineJob({
    name: 'maintenance.purge-idempotency-keys',
    schema: z.object({ olderThanHours: z.number().int().positive() }),
    attempts: 3,
    backoffMs: 30_000,
  }),
} as const;

export const ALL_JOBS: readonly JobDefinition[] = Object.values(JOBS);
