import express, { NextFunction, Request, Response } from 'express';
import { DomainError } from '../../common/errors';
import { BODY_LIMIT_BYTES, CONTENT_ENCODINGS, hasBody, OwnBodyReader, parseContentType, readErrorOf, unstorableTextIssues } from '../../common/http/body-parsing';
import { AppConfig } from '../../config/config';
import { zendeskErrorOf } from './zendesk-errors';

type RawRequest = Request & { rawBody?: Buffer; id?: string };

/** Charsets a JSON body may declare here: UTF-8, and UTF-16 as the ENT says it. */
const JSON_CHARSETS = ['utf-8', 'utf-16', 'utf-16le', 'utf-16be'];

/** The Zendesk routes' path prefix (`<base>/api/v2`), as express matches routes: whatever the case. */
export function zendeskPrefix(basePath: string): string {
  return `${basePath}/api/v2`;
}

/**
 * How the Zendesk routes read bodies, for them only (the rest of the API
 * keeps the strict rules of `body-parsing.ts`):
 * - an upload (`POST …/uploads.json`) is the file's raw bytes, with the
 *   file's own Content-Type, up to `ZENDESK_ATTACHMENT_MAX_BYTES` (its type is
 *   checked by the upload itself, against its content);
 * - every other body is JSON, at most 256 kB once inflated, in UTF-8. The
 *   ENT's connector labels its PUTs `charset=utf-16` while their bytes are
 *   UTF-8: `utf-16` without a byte order mark is read as UTF-8 (and must be
 *   valid UTF-8); with a mark, or labelled `utf-16le`/`utf-16be`, as UTF-16.
 *   Another charset is refused; so is text PostgreSQL cannot store.
 * Refusals answer in Zendesk's shape, with the request id.
 */
export function zendeskBodyReader(config: AppConfig['zendesk']): OwnBodyReader {
  const prefix = zendeskPrefix(config.basePath).toLowerCase();
  const owns = (req: Request) => {
    const path = req.path.toLowerCase();
    return path === prefix || path.startsWith(`${prefix}/`);
  };
  const isUpload = (req: Request) => req.method === 'POST' && /^\/uploads(\.json)?\/?$/.test(req.path.toLowerCase().slice(prefix.length));
  const megabytes = `${Math.round((config.attachments.maxBytes / 1024 / 1024) * 10) / 10} MB`;
  const readFile = express.raw({ type: () => true, limit: config.attachments.maxBytes, inflate: true });
  const readJson = express.raw({ type: () => true, limit: BODY_LIMIT_BYTES, inflate: true });

  const read = (req: RawRequest, res: Response, next: NextFunction) => {
    if (!hasBody(req)) return next();
    const coding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (!CONTENT_ENCODINGS.includes(coding)) {
      return next(new DomainError('UNSUPPORTED_CONTENT_ENCODING', `The Content-Encoding "${coding}" is not accepted: send ${CONTENT_ENCODINGS.join(', ')}.`));
    }
    if (isUpload(req)) {
      return readFile(req, res, (error?: unknown) => {
        if (error) return next(readErrorOf(error, req, megabytes) ?? error);
        // The file's type is the upload's to check, against its content; an empty body stays empty.
        if (!Buffer.isBuffer(req.body)) req.body = Buffer.alloc(0);
        next();
      });
    }
    const header = req.headers['content-type'];
    const contentType = header === undefined ? null : parseContentType(header);
    if (!contentType || contentType.type !== 'application/json') {
      const what = header === undefined ? 'A body without Content-Type' : `Content-Type "${header}"`;
      return next(new DomainError('UNSUPPORTED_MEDIA_TYPE', `${what} is not accepted here: send application/json (or a file to uploads.json).`));
    }
    const charset = contentType.charset ?? 'utf-8';
    if (!JSON_CHARSETS.includes(charset)) {
      return next(new DomainError('UNSUPPORTED_CHARSET', `The charset "${charset}" is not accepted: send UTF-8.`));
    }
    readJson(req, res, (error?: unknown) => {
      if (error) return next(readErrorOf(error, req) ?? error);
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const parsed = parseJson(bytes, charset);
      if (parsed instanceof DomainError) return next(parsed);
      req.rawBody = bytes;
      req.body = parsed;
      const issues = unstorableTextIssues(parsed);
      if (issues.length) return next(new DomainError('VALIDATION_FAILED', 'The request is invalid.', { errors: issues }));
      next();
    });
  };

  const refuse = (error: unknown, req: RawRequest, res: Response, next: NextFunction) => {
    if (!(error instanceof DomainError)) return next(error);
    const { status, body } = zendeskErrorOf(error, req.id);
    res.status(status).json(body);
  };

  return { owns, handlers: [read, refuse] };
}

/** A JSON body in its charset (see `zendeskBodyReader`); a domain error when it does not decode or parse. */
export function parseJson(bytes: Buffer, charset: string): unknown {
  const bom16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  const encoding = charset === 'utf-16' ? (bom16 ?? 'utf-8') : charset;
  let text: string;
  try {
    // Fatal: bytes that are not valid in the encoding are refused, not replaced. A byte order mark is dropped.
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return new DomainError('MALFORMED_BODY', `The body is not valid ${encoding.toUpperCase()}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new DomainError('MALFORMED_BODY', `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  // As the rest of the API reads JSON (body-parser's strict mode): an object or an array.
  if (typeof value !== 'object' || value === null) return new DomainError('MALFORMED_BODY', 'The body is not valid JSON: it must be an object or an array.');
  return value;
}
