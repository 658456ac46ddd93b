import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  ok: number;
  failed: number;
  seconds: number;
  latenciesMs: number[];
  /** Each call's start (ms since the epoch, planned start at a fixed rate) beside its latency: where the tail happened. */
  timeline: [number, number][];
  /** Why calls failed (an operation reports it by throwing), with how many times each. */
  failures: Map<string, number>;
}

/** Runs `clients` loops calling `operation` back to back for `seconds`: throughput and latency at saturation. */
export function runFor(seconds: number, clients: number, operation: () => Promise<boolean>): Promise<LoadResult> {
  return runClients(seconds, clients, async (result, deadline) => {
    while (performance.now() < deadline) await timeCall(result, operation, performance.now());
  });
}

/**
 * Offers `rate` calls per second in all, spread over `clients` loops (each
 * keeps at most one call in flight), for `seconds`: latency at a given load.
 * Each call has a planned start and its latency counts from the plan, not from
 * when it was sent, so a service that falls behind shows its queueing delay
 * (no "coordinated omission").
 */
export function runAtRate(seconds: number, clients: number, rate: number, operation: () => Promise<boolean>): Promise<LoadResult> {
  const intervalMs = (1000 * clients) / rate;
  return runClients(seconds, clients, async (result, deadline, index, started) => {
    for (let planned = started + (index * 1000) / rate; planned < deadline; planned += intervalMs) {
      const wait = planned - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await timeCall(result, operation, planned);
    }
  });
}

async function runClients(
  seconds: number,
  clients: number,
  loop: (result: LoadResult, deadline: number, index: number, started: number) => Promise<void>,
): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, failed: 0, seconds: 0, latenciesMs: [], timeline: [], failures: new Map() };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, index) => loop(result, started + seconds * 1000, index, started)));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

async function timeCall(result: LoadResult, operation: () => Promise<boolean>, since: number): Promise<void> {
  let ok = false;
  try {
    ok = await operation();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    result.failures.set(reason, (result.failures.get(reason) ?? 0) + 1);
  }
  const latency = performance.now() - since;
  result.latenciesMs.push(latency);
  result.timeline.push([performance.timeOrigin + since, latency]);
  if (ok) result.ok++;
  else result.failed++;
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
