import { z } from 'zod';
import { defineJob } from '../queue/job';

/** One delivery attempt of an outbox row. The outbox keeps its own attempts and backoff in the database: a lost job is found again by the sweep. */
export const DELIVER_NOTIFICATION = defineJob({
  name: 'outbox.deliver',
  schema: z.object({ id: z.uuid() }),
  attempts: 1,
  backoffMs: 1_000,
});
