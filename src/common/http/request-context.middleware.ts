import { randomUUID } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';
import { JsonLogger } from '../logging/json-logger';

/** Gives each request an id (echoed in X-Request-Id) and logs one line when it ends; never the body. */
export function requestContext(logger: JsonLogger) {
  return (req: Request & { id?: string }, res: Response, next: NextFunction): void => {
    const incoming = req.header('x-request-id');
    req.id = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.event('info', 'http.request', {
        requestId: req.id,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  };
}
