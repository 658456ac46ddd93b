import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

type Reply = { status: number; body?: unknown } | 'hang';

/**
 * A real HTTP server standing in for an outside system (the académie's
 * incident tool, the ENT): it records every request and answers what the
 * test scripts, route by route.
 */
export class HttpTarget {
  readonly requests: ReceivedRequest[] = [];
  /** Requests left unanswered on purpose ('hang'). */
  hung = 0;
  private readonly scripts = new Map<string, Reply[]>();
  private readonly defaults = new Map<string, Reply>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<HttpTarget> {
    const target: HttpTarget = new HttpTarget(createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0];
        const key = `${req.method} ${path.replace(/\/[^/]*\d[^/]*$/, '/:id')}`;
        const reply = target.scripts.get(key)?.shift() ?? target.defaults.get(key) ?? { status: 404 };
        if (reply === 'hang') {
          target.hung++;
          return; // never answers: the caller times out or dies waiting
        }
        target.requests.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString(), status: reply.status });
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body ?? {}));
      });
    }));
    await new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve));
    return target;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** `route` is "METHOD /path", with a last segment holding digits written as `:id`. Scripted replies come first, then the default. */
  reply(route: string, ...replies: Reply[]): this {
    this.scripts.set(route, [...(this.scripts.get(route) ?? []), ...replies.slice(0, -1)]);
    this.defaults.set(route, replies[replies.length - 1]);
    return this;
  }

  accepted(route: string): ReceivedRequest[] {
    const [method, path] = route.split(' ');
    return this.requests.filter((r) => r.method === method && r.path.startsWith(path) && r.status < 300);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
