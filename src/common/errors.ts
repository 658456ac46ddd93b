/**
 * Every domain error carries a code from this union; one exhaustive switch in
 * the HTTP layer maps codes to statuses, so services never throw HttpException.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN_SCOPE'
  | 'ACTOR_REQUIRED'
  | 'TICKET_NOT_FOUND'
  | 'TICKET_FORBIDDEN_ACTION'
  | 'TICKET_ILLEGAL_TRANSITION'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'ENT_INTAKE_DISABLED'
  | 'ENT_SIGNATURE_INVALID'
  | 'ENT_REQUEST_STALE'
  | 'SLACK_DISABLED'
  | 'SLACK_SIGNATURE_INVALID'
  | 'SLACK_REQUEST_STALE'
  | 'ANSWER_NOT_FOUND'
  | 'ESCALATION_REFUSED'
  | 'TICKET_CHANGED'
  | 'NOTIFICATION_NOT_FOUND'
  | 'ACCOUNT_ACTION_REFUSED'
  | 'ACCOUNT_NOT_FOUND'
  | 'CONFIRMATION_NOT_FOUND'
  | 'CONFIRMATION_USED'
  | 'CONFIRMATION_EXPIRED'
  | 'RATE_LIMITED'
  | 'APPROVAL_NOT_FOUND'
  | 'APPROVAL_DECIDED'
  | 'LINK_INVALID'
  | 'LINK_USED'
  | 'LINK_EXPIRED'
  | 'ENT_LINK_EXPIRED'
  | 'ENT_REFUSED'
  | 'ENT_UNAVAILABLE'
  | 'ATTACHMENT_NOT_FOUND'
  | 'ATTACHMENT_TYPE_REFUSED'
  | 'UPLOAD_NOT_FOUND'
  | 'PERSON_NOT_FOUND'
  | 'ERASURE_PREVIEW_OUTDATED'
  // The HTTP layer's own refusals (src/common/http): requests it cannot read.
  | 'NOT_FOUND'
  | 'MALFORMED_REQUEST'
  | 'MALFORMED_BODY'
  | 'MALFORMED_COMPRESSION'
  | 'REQUEST_TIMEOUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNSUPPORTED_CHARSET'
  | 'UNSUPPORTED_CONTENT_ENCODING'
  | 'HEADERS_TOO_LARGE';

export interface ErrorIssue {
  path: string;
  message: string;
  code?: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { errors?: ErrorIssue[]; [key: string]: unknown },
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The French sentence written for the person a refusal is told to (`details.userMessage`), when there is one. */
export function userMessageOf(error: unknown): string | null {
  return error instanceof DomainError && typeof error.details?.userMessage === 'string' ? error.details.userMessage : null;
}

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'ACTOR_REQUIRED':
    case 'UPLOAD_NOT_FOUND':
    case 'MALFORMED_REQUEST':
    case 'MALFORMED_BODY':
    case 'MALFORMED_COMPRESSION':
      return 400;
    case 'UNAUTHENTICATED':
    case 'ENT_SIGNATURE_INVALID':
    case 'ENT_REQUEST_STALE':
    case 'SLACK_SIGNATURE_INVALID':
    case 'SLACK_REQUEST_STALE':
      return 401;
    case 'FORBIDDEN_SCOPE':
    case 'TICKET_FORBIDDEN_ACTION':
    case 'ACCOUNT_ACTION_REFUSED':
    case 'ENT_LINK_EXPIRED':
    case 'ENT_REFUSED':
      return 403;
    case 'TICKET_NOT_FOUND':
    case 'ANSWER_NOT_FOUND':
    case 'NOTIFICATION_NOT_FOUND':
    case 'ACCOUNT_NOT_FOUND':
    case 'CONFIRMATION_NOT_FOUND':
    case 'APPROVAL_NOT_FOUND':
    case 'LINK_INVALID':
    case 'ATTACHMENT_NOT_FOUND':
    case 'PERSON_NOT_FOUND':
    case 'NOT_FOUND':
    case 'SLACK_DISABLED':
      return 404;
    case 'REQUEST_TIMEOUT':
      return 408;
    case 'TICKET_ILLEGAL_TRANSITION':
    case 'ESCALATION_REFUSED':
    case 'TICKET_CHANGED':
    case 'CONFIRMATION_USED':
    case 'APPROVAL_DECIDED':
    case 'LINK_USED':
    case 'ERASURE_PREVIEW_OUTDATED':
      return 409;
    case 'CONFIRMATION_EXPIRED':
    case 'LINK_EXPIRED':
      return 410;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
    case 'ATTACHMENT_TYPE_REFUSED':
    case 'UNSUPPORTED_CHARSET':
    case 'UNSUPPORTED_CONTENT_ENCODING':
      return 415;
    case 'IDEMPOTENCY_KEY_REUSED':
      return 422;
    case 'RATE_LIMITED':
      return 429;
    case 'HEADERS_TOO_LARGE':
      return 431;
    case 'ENT_UNAVAILABLE':
      return 502;
    case 'ENT_INTAKE_DISABLED':
      return 503;
  }
}
