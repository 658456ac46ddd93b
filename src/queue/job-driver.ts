import { EnqueueOptions, JobContext, JobDefinition } from './job';

export type RunJob = (data: unknown, context: JobContext) => Promise<void>;

export interface DriverHealth {
  driver: 'bull' | 'in-process';
  ok: boolean;
  detail?: string;
}

/** What the queue needs from a backend; the in-process and Bull drivers implement it. */
export interface JobDriver {
  readonly kind: DriverHealth['driver'];
  start(jobs: Map<string, { definition: JobDefinition; run: RunJob }>): Promise<void>;
  add(definition: JobDefinition, data: unknown, options: EnqueueOptions): Promise<void>;
  health(): Promise<DriverHealth>;
  close(): Promise<void>;
}

export function backoffDelay(definition: JobDefinition, failedAttempts: number): number {
  return definition.backoffMs * 2 ** (failedAttempts - 1);
}
