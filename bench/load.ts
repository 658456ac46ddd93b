import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  ok: number;
  failed: number;
  seconds: number;
  latenciesMs: number[];
}

/** Runs `clients` loops calling `operation` back to back for `seconds`; records each call's latency. */
export async function runFor(seconds: number, clients: number, operation: () => Promise<boolean>): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, failed: 0, seconds: 0, latenciesMs: [] };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      let ok = false;
      try {
        ok = await operation();
      } catch {
        ok = false;
      }
      result.latenciesMs.push(performance.now() - t0);
      if (ok) result.ok++;
      else result.failed++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A keep-alive HTTP client that costs the load generator little CPU (fetch costs several times more). */
export class JsonClient {
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(baseUrl: string, private readonly headers: Record<string, string>, sockets: number) {
    this.base = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          headers: { ...this.headers, ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
