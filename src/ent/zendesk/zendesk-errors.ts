import { DomainError, ErrorCode, ErrorIssue, httpStatusOf } from '../../common/errors';

/**
 * Refusals on the Zendesk routes, in Zendesk's shape (`error`, `description`,
 * `details`), which the ENT reads, and with the usual Relais fields beside
 * them (`code`, `message`, `errors`, `requestId`), which people and logs read.
 * The status comes from the one mapping of codes (`httpStatusOf`).
 * Never a 422 "RecordInvalid": on a comment, the ENT answers that by opening
 * a follow-up ticket, and Relais takes comments on tickets in any status.
 */
export interface ZendeskErrorBody {
  error: string;
  description?: string;
  details?: Record<string, { description: string; error?: string }[]>;
  code: string;
  message: string;
  errors?: ErrorIssue[];
  requestId: string | undefined;
  [key: string]: unknown;
}

/** Zendesk's label for a status (its 401 has no description: "Couldn't authenticate you" is all it says). */
function zendeskLabel(code: ErrorCode, status: number): { error: string; description?: string } {
  if (code === 'NOT_FOUND') return { error: 'InvalidEndpoint', description: 'Not found' };
  switch (status) {
    case 401:
      return { error: "Couldn't authenticate you" };
    case 403:
      return { error: 'Forbidden', description: 'You do not have access to this resource.' };
    case 404:
      return { error: 'RecordNotFound', description: 'Not found' };
    case 409:
      return { error: 'Conflict' };
    case 413:
      return { error: 'RequestEntityTooLarge' };
    case 415:
      return { error: 'UnsupportedMediaType' };
    case 503:
      return { error: 'ServiceUnavailable' };
    default:
      return { error: status >= 500 ? 'InternalError' : 'InvalidValue' };
  }
}

export function zendeskErrorOf(error: DomainError, requestId: string | undefined): { status: number; body: ZendeskErrorBody } {
  const status = httpStatusOf(error.code);
  const { errors, ...rest } = error.details ?? {};
  const label = zendeskLabel(error.code, status);
  // A Map, then own properties: a path may be any key of the body ("__proto__" too).
  const byPath = new Map<string, { description: string; error?: string }[]>();
  for (const issue of errors ?? []) {
    const path = issue.path || 'base';
    byPath.set(path, [...(byPath.get(path) ?? []), { description: issue.message, ...(issue.code ? { error: issue.code } : {}) }]);
  }
  const details = byPath.size ? Object.fromEntries(byPath) : undefined;
  return {
    status,
    body: {
      ...rest,
      error: label.error,
      description: label.description ?? error.message,
      ...(details ? { details } : {}),
      code: error.code,
      message: error.message,
      ...(errors ? { errors } : {}),
      requestId,
    },
  };
}

/** For what is not a domain error: a 500 in the same shape, with nothing of the cause. */
export function zendeskInternalError(requestId: string | undefined): { status: number; body: ZendeskErrorBody } {
  return {
    status: 500,
    body: { error: 'InternalError', description: 'An unexpected error occurred.', code: 'INTERNAL_ERROR', message: 'An unexpected error occurred.', requestId },
  };
}
