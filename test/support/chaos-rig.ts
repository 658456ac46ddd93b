import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { parse, stringify } from 'yaml';
import { DEFAULT_ROUTING_RULES_FILE } from '../../src/routing/routing-rules';
import { ticketBody } from '../factories/ticket.factory';
import { HttpTarget } from './http-target';
import { createApiKey, ServiceProcess } from './service-process';
import { TestStore } from './test-app';

/** Every tier's first response due within seconds: a ticket climbs school → ERUN → académie during a run. */
// 6 s: the reminder is due 3 s before the breach (±1 s: the SLA clock places it to the second), time enough for a sweep every 0.5 s.
const FIRST_RESPONSE = '6s';
const CHAOS_SUBJECT = 'Chaos';
const WEBHOOK_PATH = '/incidents';
/** A parent's ticket climbs the school's direction → ERUN → académie; at the top the breach is only noted. */
export const LADDER = ['school_director', 'erun', 'academic_support'] as const;

function rulesFile(dir: string): string {
  const rules = parse(readFileSync(DEFAULT_ROUTING_RULES_FILE, 'utf8'));
  rules.sla.remindAt = 0.5;
  rules.sla.workingHours = { ...rules.sla.workingHours, days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' };
  rules.sla.holidays = [];
  for (const tier of Object.keys(rules.sla.policies)) {
    for (const priority of Object.keys(rules.sla.policies[tier])) rules.sla.policies[tier][priority] = { firstResponse: FIRST_RESPONSE, resolution: '1h' };
  }
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, stringify(rules));
  return file;
}

export interface Answer {
  /** ms since the load started, when the answer came */
  at: number;
  latencyMs: number;
  status: number;
}

export interface LoadStats {
  /** References answered 201 or 200 (a replay), each once. */
  acknowledged: Set<string>;
  answers: Answer[];
  /** Attempts cut (a killed replica, a timeout, a 5xx) and tried again with the same Idempotency-Key. */
  retried: number;
  /** Answers that were replays of an earlier attempt (`Idempotent-Replayed`). */
  replayed: number;
  /** Tickets given up on (no answer within the retry window). */
  abandoned: number;
}

export interface ChaosAudit {
  acknowledged: number;
  present: number;
  missing: string[];
  /** Tickets beyond one per creation request (same subject, hence same Idempotency-Key). */
  duplicates: number;
  /** Tickets committed whose creation was never acknowledged (the answer lost with a killed replica, no retry made): not lost, not owed. */
  unacknowledged: number;
  /** Reminders, breaches and escalations, and how many of them happened more than once for the same deadline. */
  deadlinesFired: number;
  deadlinesRepeated: number;
  /** Tickets that did not climb the whole ladder (a deadline never fired). */
  unfinished: number;
  /** The académie's webhook: notifications it must get, the distinct delivery ids it got, repeats of an id, ids never received. */
  notifications: number;
  notificationsReceived: number;
  notificationRepeats: number;
  notificationsMissing: number;
  notificationsUndelivered: number;
}

/**
 * A service on PostgreSQL + Redis under a steady stream of ticket creations,
 * with one or more replicas, that the test or bench (`bench/chaos.ts`) kills
 * with SIGKILL, and then audits from the database and the académie's webhook:
 * every acknowledged ticket there once, every deadline fired once, every
 * notification received once per delivery id.
 */
export class ChaosRig {
  readonly replicas: (ServiceProcess | null)[] = [];
  private readonly key: string;
  private next = 0;

  private constructor(
    readonly store: TestStore,
    readonly webhook: HttpTarget,
    private readonly dir: string,
  ) {
    this.key = createApiKey(store.env);
  }

  static async start(backend: { databaseUrl: string; redisUrl: string }, extraEnv: NodeJS.ProcessEnv = {}): Promise<ChaosRig> {
    const dir = mkdtempSync(join(tmpdir(), 'relais-chaos-'));
    const webhook = await HttpTarget.start();
    webhook.reply(`POST ${WEBHOOK_PATH}`, { status: 200 });
    const store = await TestStore.create(
      {
        DEMO_DATA: 'true',
        API_KEY_CACHE_SECONDS: '5',
        ROUTING_RULES_FILE: rulesFile(dir),
        SLA_SWEEP_SECONDS: '0.5',
        SLA_CLAIM_SECONDS: '5',
        OUTBOX_SWEEP_SECONDS: '1',
        OUTBOX_LEASE_SECONDS: '5',
        OUTBOX_RETRY_BASE_MS: '200',
        ACADEMIC_WEBHOOK_URL: `${webhook.url}${WEBHOOK_PATH}`,
        ACADEMIC_WEBHOOK_SECRET: 'chaos-webhook-secret-0123456789',
        ...extraEnv,
      },
      backend,
    );
    return new ChaosRig(store, webhook, dir);
  }

  /** Starts replica `index` (again); resolves with how long it took to answer. */
  async startReplica(index: number): Promise<number> {
    const started = performance.now();
    this.replicas[index] = await ServiceProcess.start(this.store.env);
    return performance.now() - started;
  }

  /** SIGKILL: the clients stop choosing it at once, its requests in flight are cut. */
  async killReplica(index: number): Promise<void> {
    const replica = this.replicas[index];
    this.replicas[index] = null;
    await replica?.kill();
  }

  private pickUrl(): string | null {
    const live = this.replicas.filter((r): r is ServiceProcess => r !== null);
    return live.length ? live[this.next++ % live.length].url : null;
  }

  /**
   * `clients` loops offer `rate` creations per second in all until `stop()`;
   * an attempt cut or refused with a 5xx is tried again, with the same
   * Idempotency-Key, on a live replica, for up to `retryWindowMs`.
   */
  load(clients: number, rate: number, retryWindowMs = 30_000): { stats: LoadStats; stop: () => Promise<LoadStats> } {
    const stats: LoadStats = { acknowledged: new Set(), answers: [], retried: 0, replayed: 0, abandoned: 0 };
    const began = performance.now();
    const headers = { Authorization: `Bearer ${this.key}`, 'Content-Type': 'application/json', 'X-On-Behalf-Of': 'demo-parent-jm' };
    let stopped = false;
    const createOne = async (name: string) => {
      const body = JSON.stringify(ticketBody({ subject: `${CHAOS_SUBJECT} ${name}`, description: 'Mon fils ne voit pas ses devoirs dans le cahier de textes.' }));
      const idempotencyKey = randomUUID();
      const giveUpAt = performance.now() + retryWindowMs;
      for (let attempt = 0; performance.now() < giveUpAt; attempt++) {
        if (attempt > 0) {
          stats.retried++;
          await new Promise((r) => setTimeout(r, 100));
        }
        const url = this.pickUrl();
        if (!url) continue;
        const sent = performance.now();
        try {
          const res = await fetch(`${url}/api/v1/tickets`, {
            method: 'POST',
            headers: { ...headers, 'Idempotency-Key': idempotencyKey },
            body,
            signal: AbortSignal.timeout(5_000),
          });
          const answered = performance.now();
          stats.answers.push({ at: answered - began, latencyMs: answered - sent, status: res.status });
          if (res.status === 201 || res.status === 200) {
            stats.acknowledged.add(((await res.json()) as { reference: string }).reference);
            if (res.headers.get('idempotent-replayed') === 'true') stats.replayed++;
            return;
          }
          await res.arrayBuffer();
          if (res.status < 500) throw new Error(`HTTP ${res.status}: not worth retrying`);
        } catch (error) {
          if (error instanceof Error && error.message.includes('not worth retrying')) throw error;
          // Cut by a kill, or timed out: the same key again, maybe on another replica.
        }
      }
      stats.abandoned++;
    };
    const intervalMs = (1000 * clients) / rate;
    const loops = Array.from({ length: clients }, async (_, client) => {
      for (let i = 0, planned = began + (client * 1000) / rate; !stopped; i++, planned += intervalMs) {
        const wait = planned - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (!stopped) await createOne(`${client}-${i}`);
      }
    });
    return {
      stats,
      stop: async () => {
        stopped = true;
        await Promise.all(loops);
        return stats;
      },
    };
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const db = new Client({ connectionString: this.store.env.DATABASE_URL });
    await db.connect();
    try {
      return (await db.query(sql, params)).rows as T[];
    } finally {
      await db.end();
    }
  }

  /** Waits until every chaos ticket has climbed the ladder and every webhook notification is delivered (or `timeoutMs`). */
  async settle(timeoutMs: number): Promise<number> {
    const started = performance.now();
    for (;;) {
      const [{ unfinished, pending }] = await this.query<{ unfinished: number; pending: number }>(`
        SELECT (SELECT count(*)::int FROM tickets t WHERE t.subject LIKE '${CHAOS_SUBJECT} %' AND NOT EXISTS (
                  SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'sla_breached' AND e.after->>'tier' = $1)) AS unfinished,
               (SELECT count(*)::int FROM outbox WHERE state = 'pending') AS pending`, [LADDER[LADDER.length - 1]]);
      if ((unfinished === 0 && pending === 0) || performance.now() - started > timeoutMs) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async audit(acknowledged: Set<string>): Promise<ChaosAudit> {
    const references = [...acknowledged];
    const present = new Set(
      (await this.query<{ reference: string }>(`SELECT reference FROM tickets WHERE reference = ANY($1)`, [references])).map((r) => r.reference),
    );
    const [{ duplicates }] = await this.query<{ duplicates: number }>(
      `SELECT coalesce(sum(n - 1), 0)::int AS duplicates FROM (SELECT count(*) AS n FROM tickets WHERE subject LIKE '${CHAOS_SUBJECT} %' GROUP BY subject) s`,
    );
    // One deadline: a ticket, a tier, which deadline; an escalation: a ticket and the tier it left.
    const [deadlines] = await this.query<{ fired: number; repeated: number }>(`
      SELECT coalesce(sum(n), 0)::int AS fired, coalesce(sum(n - 1), 0)::int AS repeated FROM (
        SELECT count(*) AS n FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
         WHERE e.type IN ('sla_reminder', 'sla_breached', 'escalated') AND t.subject LIKE '${CHAOS_SUBJECT} %'
         GROUP BY e.ticket_id, e.type, coalesce(e.after->>'tier', ''), coalesce(e.after->>'deadline', ''), coalesce(e.before->>'tier', '')) d`);
    const [{ tickets }] = await this.query<{ tickets: number }>(`SELECT count(*)::int AS tickets FROM tickets WHERE subject LIKE '${CHAOS_SUBJECT} %'`);
    // The full ladder: a reminder and a breach at each tier, an escalation out of each but the last.
    const [{ unfinished }] = await this.query<{ unfinished: number }>(`
      SELECT count(*)::int AS unfinished FROM tickets t WHERE t.subject LIKE '${CHAOS_SUBJECT} %' AND (
        (SELECT count(DISTINCT e.type || coalesce(e.after->>'tier', '')) FROM ticket_events e
          WHERE e.ticket_id = t.id AND e.type IN ('sla_reminder', 'sla_breached')) < $1
        OR (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'escalated') < $2)`,
      [LADDER.length * 2, LADDER.length - 1]);
    const rows = await this.query<{ id: string; state: string }>(
      `SELECT o.id, o.state FROM outbox o JOIN tickets t ON t.id = o.ticket_id WHERE o.channel = 'webhook' AND t.subject LIKE '${CHAOS_SUBJECT} %'`,
    );
    const received = new Map<string, number>();
    for (const request of this.webhook.accepted(`POST ${WEBHOOK_PATH}`)) {
      const id = String(request.headers['x-relais-delivery']);
      received.set(id, (received.get(id) ?? 0) + 1);
    }
    return {
      acknowledged: references.length,
      present: present.size,
      missing: references.filter((r) => !present.has(r)),
      duplicates,
      unacknowledged: tickets - duplicates - present.size,
      deadlinesFired: deadlines.fired,
      deadlinesRepeated: deadlines.repeated,
      unfinished,
      notifications: rows.length,
      notificationsReceived: rows.filter((r) => received.has(r.id)).length,
      notificationRepeats: [...received.values()].reduce((sum, n) => sum + n - 1, 0),
      notificationsMissing: rows.filter((r) => !received.has(r.id)).length,
      notificationsUndelivered: rows.filter((r) => r.state !== 'delivered').length,
    };
  }

  async close(): Promise<void> {
    for (let i = 0; i < this.replicas.length; i++) await this.killReplica(i);
    await this.webhook.close();
    await this.store.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The p-th percentile of `values` (nearest rank). */
export function percentileOf(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
