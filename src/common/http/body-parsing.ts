import { NestExpressApplication } from '@nestjs/platform-express';
import express, { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError, ErrorIssue } from '../errors';
import { unstorableTextReason } from '../text-field';

/** Largest body accepted, counted after decompression: a long message fits, a pasted document does not. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/** Media types a body may have; anything else is refused before it is read. */
const MEDIA_TYPES = ['application/json', 'application/x-www-form-urlencoded'];
/** The content codings express's body parser inflates; the decompressed size is bounded by the limit. */
export const CONTENT_ENCODINGS = ['identity', 'gzip', 'deflate', 'br'];

/**
 * The bodies of some routes, read by rules of their own: the
 * Zendesk-compatible API takes raw file uploads and the ENT's mislabelled
 * charset, and answers refusals in Zendesk's shape. The reader runs first for
 * the requests it owns; the chain below leaves those alone.
 */
export interface OwnBodyReader {
  owns(req: Request): boolean;
  /** Read (or refuse) the body, in order; an error handler among them answers the refusals. */
  handlers: (RequestHandler | ErrorRequestHandler)[];
}

/**
 * The body-reading chain, in order: refuse what cannot be read (media type,
 * charset, coding) before reading it; parse JSON and urlencoded bodies (both
 * keep `req.rawBody`, as the ENT intake's and Slack's signatures need, and
 * urlencoded needs no charset, as Slack sends it); turn the parser's errors
 * into domain errors; refuse text PostgreSQL cannot store anywhere in the body.
 * Runs after the request-context middleware, so every refusal has a request id.
 */
export function useBodyParsing(app: NestExpressApplication, readers: OwnBodyReader[] = []): void {
  for (const reader of readers) {
    for (const handler of reader.handlers) app.use(onlyFor(reader.owns, handler));
  }
  const others = (req: Request) => !readers.some((reader) => reader.owns(req));
  app.use(onlyFor(others, refuseUnreadableBody));
  app.use(onlyFor(others, express.json({ limit: BODY_LIMIT_BYTES, verify: keepRawBody })));
  app.use(onlyFor(others, express.urlencoded({ limit: BODY_LIMIT_BYTES, extended: true, verify: keepRawBody })));
  app.use(onlyFor(others, parserErrorToDomainError));
  app.use(onlyFor(others, refuseUnstorableText));
}

/** The bytes as received, for signatures (`req.rawBody`, as Nest's `rawBody` option keeps them). */
function keepRawBody(req: Request & { rawBody?: Buffer }, _res: Response, buffer: Buffer): void {
  if (Buffer.isBuffer(buffer)) req.rawBody = buffer;
}

/** A middleware (or error middleware) that only sees the requests `applies` accepts. */
function onlyFor(applies: (req: Request) => boolean, handler: RequestHandler | ErrorRequestHandler): RequestHandler | ErrorRequestHandler {
  if (handler.length === 4) {
    const onError = handler as ErrorRequestHandler;
    return (error: unknown, req: Request, res: Response, next: NextFunction) => (applies(req) ? onError(error, req, res, next) : next(error));
  }
  const onRequest = handler as RequestHandler;
  return (req: Request, res: Response, next: NextFunction) => (applies(req) ? onRequest(req, res, next) : next());
}

interface ContentType {
  type: string;
  charset?: string;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^(${TOKEN}/${TOKEN})\\s*(.*)$`);
const PARAMETER = new RegExp(`^;\\s*(${TOKEN})\\s*=\\s*("(?:[^"\\\\]|\\\\.)*"|${TOKEN})\\s*`);

/** RFC 9110 `type/subtype *(; name=value)`; null when the header does not parse. */
export function parseContentType(header: string): ContentType | null {
  const match = MEDIA_TYPE.exec(header.trim());
  if (!match) return null;
  const result: ContentType = { type: match[1].toLowerCase() };
  let rest = match[2];
  while (rest) {
    const param = PARAMETER.exec(rest);
    if (!param) return null;
    if (param[1].toLowerCase() === 'charset') {
      const value = param[2].startsWith('"') ? param[2].slice(1, -1).replace(/\\(.)/g, '$1') : param[2];
      result.charset = value.toLowerCase();
    }
    rest = rest.slice(param[0].length);
  }
  return result;
}

/** A body is there when bytes may follow the headers (chunked, or a non-zero Content-Length). */
export function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function refuseUnreadableBody(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req)) return next();
  const accepted = `${MEDIA_TYPES.join(' or ')}, in UTF-8`;
  const header = req.headers['content-type'];
  const contentType = header === undefined ? null : parseContentType(header);
  if (!contentType || !MEDIA_TYPES.includes(contentType.type)) {
    const what = header === undefined ? 'A body without Content-Type' : `Content-Type "${header}"`;
    return next(new DomainError('UNSUPPORTED_MEDIA_TYPE', `${what} is not accepted: send ${accepted}.`));
  }
  if (contentType.charset !== undefined && contentType.charset !== 'utf-8') {
    return next(new DomainError('UNSUPPORTED_CHARSET', `The charset "${contentType.charset}" is not accepted: send UTF-8.`));
  }
  const coding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (!CONTENT_ENCODINGS.includes(coding)) {
    return next(new DomainError('UNSUPPORTED_CONTENT_ENCODING', `The Content-Encoding "${coding}" is not accepted: send ${CONTENT_ENCODINGS.join(', ')}.`));
  }
  next();
}

/** What express's body parser passes on: http-errors with a `type`, or a decompression stream's own error. */
interface ParserError {
  status?: number;
  type?: string;
  code?: string;
}

/** Duck-typed: errors from Node's own modules are not `instanceof Error` in every realm (jest's sandbox). */
function isParserError(error: unknown): error is ParserError & { message: string } {
  return typeof error === 'object' && error !== null && typeof (error as ParserError).status === 'number';
}

function parserErrorToDomainError(error: unknown, req: Request, _res: Response, next: NextFunction): void {
  next(readErrorOf(error, req) ?? error);
}

/** The domain error for what a body parser refused (`limitText` names its limit); null for another error. */
export function readErrorOf(error: unknown, req: Request, limitText = `${BODY_LIMIT_BYTES / 1024} kB`): DomainError | null {
  if (!isParserError(error)) return null;
  const coding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  switch (error.type) {
    case 'entity.too.large':
      return new DomainError('PAYLOAD_TOO_LARGE', `The body is larger than ${limitText}${coding === 'identity' ? '' : ' once decompressed'}.`);
    case 'parameters.too.many':
      return new DomainError('PAYLOAD_TOO_LARGE', 'The form has too many parameters.');
    case 'charset.unsupported':
      return new DomainError('UNSUPPORTED_CHARSET', 'The charset is not accepted: send UTF-8.');
    case 'encoding.unsupported':
      return new DomainError('UNSUPPORTED_CONTENT_ENCODING', `The Content-Encoding "${coding}" is not accepted.`);
    case 'entity.parse.failed':
    case 'querystring.parse.rangeError':
      return new DomainError('MALFORMED_BODY', `The body is not valid ${req.is('json') ? 'JSON' : 'form data'}: ${error.message}`);
    case 'request.aborted':
    case 'request.size.invalid':
      return new DomainError('MALFORMED_BODY', `The body was not received whole: ${error.message}`);
  }
  // No type: the decompression stream failed (zlib or brotli refused the bytes).
  if (error.status === 400 && coding !== 'identity') return new DomainError('MALFORMED_COMPRESSION', `The body is not valid ${coding} data.`);
  return null;
}

/** At most this many issues are listed; the walk stops there. */
const MAX_ISSUES = 20;

/**
 * Refuses a body holding a key or a string PostgreSQL cannot store, wherever
 * it sits: fields are checked by their schemas too (textField), but a body may
 * also carry values no schema names (dropped unknown keys, a future jsonb column).
 * Iterative: JSON.parse takes nesting a recursive walk would not survive.
 */
export function unstorableTextIssues(body: unknown): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: body, path: '' }];
  const at = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
  while (stack.length && issues.length < MAX_ISSUES) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const reason = unstorableTextReason(value);
      if (reason) issues.push({ path, message: reason, code: 'unstorable_text' });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: at(path, i) });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value).reverse()) {
        const reason = unstorableTextReason(key);
        if (reason) issues.push({ path: at(path, JSON.stringify(key)), message: `key ${reason}`, code: 'unstorable_text' });
        stack.push({ value: child, path: at(path, key) });
      }
    }
  }
  return issues;
}

function refuseUnstorableText(req: Request, _res: Response, next: NextFunction): void {
  const issues = req.body === undefined ? [] : unstorableTextIssues(req.body);
  if (issues.length === 0) return next();
  next(new DomainError('VALIDATION_FAILED', 'The request is invalid.', { errors: issues }));
}
