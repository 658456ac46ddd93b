import { Agent, IncomingHttpHeaders, request, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** Already encoded: sent as written. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the body with Transfer-Encoding: chunked instead of a Content-Length. */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * An HTTP client with no opinions, for a real listening server: bytes,
 * headers and paths go out exactly as given (supertest would set a content
 * type, serialise bodies and refuse some paths).
 */
export class RawHttp {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });

  private constructor(readonly port: number) {}

  /** Listens on an ephemeral loopback port (supertest reuses it when the server already listens). */
  static async listen(server: Server): Promise<RawHttp> {
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new RawHttp((server.address() as AddressInfo).port);
  }

  /** Fails (rejects) when no answer comes within `timeoutMs`: a request the server never answers is a bug too. */
  send(req: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...req.headers };
      if (req.body && !req.chunked && !hasHeader(headers, 'content-length')) headers['Content-Length'] = String(req.body.length);
      // Said explicitly: Node chunks bodies by default only for some methods, and would send a DELETE's body unframed.
      if (req.body && req.chunked) headers['Transfer-Encoding'] = 'chunked';
      const outgoing = request(
        { host: '127.0.0.1', port: this.port, method: req.method, path: req.path, headers, agent: this.agent, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      outgoing.on('error', reject);
      if (req.body && req.chunked) {
        // Two chunks, so the server sees a body that really arrives in pieces.
        const half = Math.floor(req.body.length / 2);
        outgoing.write(req.body.subarray(0, half));
        outgoing.end(req.body.subarray(half));
      } else {
        outgoing.end(req.body);
      }
    });
  }

  /**
   * Writes bytes on a fresh TCP connection and reads until the server closes
   * it: for requests no HTTP client would send (broken framing, bad header bytes).
   */
  sendBytes(bytes: Buffer | string, timeoutMs = 15_000): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        try {
          resolve(parseResponse(Buffer.concat(chunks)));
        } catch (error) {
          reject(error);
        }
      });
      socket.end(bytes);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}

/** Parses one HTTP/1.1 response read off a socket (Content-Length framing, as the server answers errors). */
function parseResponse(raw: Buffer): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`not an HTTP response: ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`);
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers: IncomingHttpHeaders = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? raw.length - end - 4);
  return { status: Number(match[1]), headers, body: raw.subarray(end + 4, end + 4 + length) };
}
