import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { DomainError } from '../errors';

/** Parses a request part with a zod schema; failures become a 400 listing every issue. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    return parseOrThrow(this.schema, value);
  }
}

/** `where` names the request part (a header, say) when the value is not the body. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new DomainError('VALIDATION_FAILED', 'The request is invalid.', {
    errors: parsed.error.issues.map((issue) => ({
      path: [where, ...issue.path].filter((p) => p !== undefined).join('.'),
      message: issue.message,
      code: issue.code,
    })),
  });
}

/** JSON schema for OpenAPI documentation of a zod schema. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
