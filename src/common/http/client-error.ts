import { randomUUID } from 'node:crypto';
import { Server, STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import { ErrorCode, httpStatusOf } from '../errors';
import { JsonLogger } from '../logging/json-logger';

/**
 * Requests Node's HTTP parser refuses before any middleware sees them (bad
 * header bytes, broken chunked framing, headers past the size limit) get the
 * usual error body too, instead of Node's bare "400 Bad Request". The same
 * care as Node's default: nothing is written once a response has started.
 */
export function answerClientErrors(server: Server, logger: JsonLogger): void {
  server.on('clientError', (error: Error & { code?: string; rawPacket?: Buffer }, socket: Socket) => {
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const code: ErrorCode =
      error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'REQUEST_TIMEOUT' : 'MALFORMED_REQUEST';
    const message =
      code === 'HEADERS_TOO_LARGE'
        ? 'The request headers are too large.'
        : code === 'REQUEST_TIMEOUT'
          ? 'The request did not arrive in time.'
          : `The request is not valid HTTP/1.1 (${error.code ?? 'parse error'}).`;
    const status = httpStatusOf(code);
    const requestId = randomUUID();
    const body = JSON.stringify({ code, message, requestId });
    logger.event('info', 'http.client_error', { requestId, status, error: error.code ?? error.message });
    // The answer to a HEAD request has no body (its client would take the body for a next answer).
    const head = Buffer.isBuffer(error.rawPacket) && error.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        (head ? '' : body),
    );
  });
}
