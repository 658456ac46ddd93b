import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { Request, Response } from 'express';
import { JsonLogger } from '../logging/json-logger';
import { DomainError, httpStatusOf } from '../errors';

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
      const status = exception.getStatus();
      // Our own validation throws DomainError, so a bare 400 here comes from body parsing.
      const code = status === 404 ? 'NOT_FOUND' : status === 400 ? 'MALFORMED_BODY' : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'HTTP_ERROR';
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
