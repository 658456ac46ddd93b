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
  // The outbox keeps its own attempts and backoff in the database: a lost job is found again by the sweep.
  deliverNotification: defineJob({
    name: 'outbox.deliver',
    schema: z.object({ id: z.uuid() }),
    attempts: 1,
    backoffMs: 1_000,
  }),
  sweepOutbox: defineJob({
    name: 'outbox.sweep',
    schema: z.object({}),
    attempts: 1,
    backoffMs: 1_000,
  }),
  checkSla: defineJob({
    name: 'sla.check',
    schema: z.object({ ticketId: z.uuid(), kind: z.enum(['reminder', 'breach']), dueAt: z.iso.datetime() }),
    attempts: 5,
    backoffMs: 10_000,
  }),
  reconcileSla: defineJob({
    name: 'sla.reconcile',
    schema: z.object({}),
    attempts: 1,
    backoffMs: 1_000,
  }),
} as const;

export const ALL_JOBS: readonly JobDefinition[] = Object.values(JOBS);
