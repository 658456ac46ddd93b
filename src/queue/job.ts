import { DynamicModule, Module, SetMetadata } from '@nestjs/common';
import { z } from 'zod';

/** A job's name, payload schema and retry policy: declared once, in the capability that runs it (`*.jobs.ts`). */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  attempts: number;
  /** First retry delay; doubles on every further attempt. */
  backoffMs: number;
}

export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

export type JobData<J extends JobDefinition> = z.output<J['schema']>;

export interface EnqueueOptions {
  delayMs?: number;
  /** Deduplication id: a job with the same id still pending is not added twice. */
  jobId?: string;
}

export interface JobContext {
  attempt: number;
  jobId: string;
}

/** Thrown by a handler for a failure that retrying cannot fix: the job is dropped, not retried. */
export class UnrecoverableJobError extends Error {}

export const JOB_HANDLER_METADATA = 'relais:job-handler';

/** Marks a provider method as the handler of a job; exactly one handler per declared job, checked at boot. */
export const OnJob = (job: JobDefinition): MethodDecorator => SetMetadata(JOB_HANDLER_METADATA, job.name);

/** The jobs one capability declares; the queue finds every such provider at boot. */
export class JobDeclarations {
  constructor(readonly definitions: readonly JobDefinition[]) {}
}

/** A capability declares its jobs by importing `JobsModule.declare(...)`: no central list to edit. */
@Module({})
export class JobsModule {
  static declare(...definitions: JobDefinition[]): DynamicModule {
    const token = `relais:jobs:${definitions.map((d) => d.name).join(',')}`;
    return { module: JobsModule, providers: [{ provide: token, useValue: new JobDeclarations(definitions) }], exports: [token] };
  }
}
