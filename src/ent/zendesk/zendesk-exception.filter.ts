import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { Request, Response } from 'express';
import { DomainError, ErrorCode } from '../../common/errors';
import { JsonLogger } from '../../common/logging/json-logger';
import { zendeskErrorOf, zendeskInternalError } from './zendesk-errors';

/** The framework's own refusals on these routes (a path parameter that does not decode…), as domain errors. */
const HTTP_STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Every refusal of the Zendesk routes in Zendesk's shape (see `zendesk-errors.ts`); the other routes keep theirs. */
@Catch()
export class ZendeskExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request & { id?: string }>();
    let answer;
    if (exception instanceof DomainError) {
      answer = zendeskErrorOf(exception, request.id);
    } else if (exception instanceof HttpException && HTTP_STATUS_CODES[exception.getStatus()]) {
      answer = zendeskErrorOf(new DomainError(HTTP_STATUS_CODES[exception.getStatus()]!, exception.message), request.id);
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      answer = { status, body: { error: 'InvalidValue', description: exception.message, code: 'HTTP_ERROR', message: exception.message, requestId: request.id } };
    } else {
      this.logger.event('error', 'request.failed', {
        requestId: request.id,
        method: request.method,
        path: request.path,
        error: exception instanceof Error ? exception.message : String(exception),
        stack: exception instanceof Error ? exception.stack : undefined,
      });
      answer = zendeskInternalError(request.id);
    }
    response.status(answer.status).json(answer.body);
  }
}
