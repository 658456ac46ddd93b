import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { Request, Response } from 'express';
import { JsonLogger } from '../logging/json-logger';
import { DomainError, ErrorCode, httpStatusOf } from '../errors';

/** Codes for the statuses the framework's own HttpExceptions carry. */
const HTTP_STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** One error shape for every route: `{ code, message, errors?, requestId }`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request & { id?: string }>();
    const requestId = request.id;
    if (exception instanceof DomainError) {
      const { errors, ...rest } = exception.details ?? {};
      response.status(httpStatusOf(exception.code)).json({
        code: exception.code,
        message: exception.message,
        ...(errors ? { errors } : {}),
        ...rest,
        requestId,
      });
      return;
    }
    if (exception instanceof HttpException) {
      // Thrown by the framework itself: an unknown route, a path parameter that does not decode, a Nest pipe.
      const status = exception.getStatus();
      const code = HTTP_STATUS_CODES[status] ?? 'HTTP_ERROR';
      response.status(status).json({ code, message: exception.message, requestId });
      return;
    }
    this.logger.event('error', 'request.failed', {
      requestId,
      method: request.method,
      path: request.path,
      error: exception instanceof Error ? exception.message : String(exception),
      stack: exception instanceof Error ? exception.stack : undefined,
    });
    response.status(500).json({ code: 'INTERNAL_ERROR', message: 'An unexpected error occurred.', requestId });
  }
}
