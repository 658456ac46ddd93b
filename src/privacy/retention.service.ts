import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { JsonLogger } from '../common/logging/json-logger';
import { PeriodicTask } from '../common/periodic-task';
import { APP_CONFIG, AppConfig } from '../config/config';
import { underAdvisoryLock } from '../database/advisory-lock';
import { TicketPrivacy } from '../tickets/ticket-privacy.service';
import { ANONYMISED_PERSON, ANONYMISED_TEXT } from './privacy-texts';
import { retentionCutoff } from './retention-rule';

const CLOSED = 4;
const BATCH = 500;

export interface RetentionCounts {
  tickets: number;
  conversations: number;
  kbAnswers: number;
  notifications: number;
}

export interface RetentionReport {
  cutoff: string;
  rule: AppConfig['privacy']['retention'];
  timeZone: string;
  /** What the next run would anonymise or delete. */
  due: RetentionCounts;
}

/**
 * Retention: closed tickets (anonymised through the tickets module), chat
 * conversations (deleted with their turns), knowledge-base answer records
 * (their school removed; the counts stay for the deflection statistics) and
 * delivered or dead notifications (deleted), once their last activity lies
 * before the cutoff (default: the end of the school year after it, Europe/Paris).
 * Each process runs it on its own timer; the database's advisory lock lets
 * one replica at a time do it.
 */
@Injectable()
export class Retention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: TicketPrivacy,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {
    this.task = new PeriodicTask('privacy.retention', config.privacy.sweepMs, () => this.run().then(() => undefined), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  cutoff(now: Date = this.clock.now()): Date {
    return retentionCutoff(now, this.config.privacy.retention, this.config.privacy.timeZone);
  }

  async report(now: Date = this.clock.now()): Promise<RetentionReport> {
    const cutoff = this.cutoff(now);
    const [row]: { tickets: number; conversations: number; kb_answers: number; notifications: number }[] = await this.db.query(
      `SELECT (SELECT count(*)::int FROM tickets WHERE status = $2 AND anonymised_at IS NULL AND updated_at < $1) AS tickets,
              (SELECT count(*)::int FROM conversations c WHERE c.updated_at < $1
                 AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.requester_conversation = c.id::text AND t.anonymised_at IS NULL AND (t.status <> $2 OR t.updated_at >= $1))) AS conversations,
              (SELECT count(*)::int FROM kb_answers WHERE school_structure_id IS NOT NULL AND created_at < $1) AS kb_answers,
              (SELECT count(*)::int FROM outbox WHERE state IN ('delivered', 'dead') AND created_at < $1) AS notifications`,
      [cutoff, CLOSED],
    );
    return {
      cutoff: cutoff.toISOString(),
      rule: this.config.privacy.retention,
      timeZone: this.config.privacy.timeZone,
      due: { tickets: row.tickets, conversations: row.conversations, kbAnswers: row.kb_answers, notifications: row.notifications },
    };
  }

  /** One run; null when another process holds the lock. The run is recorded (counts only) when it did something. */
  async run(now: Date = this.clock.now(), requestedBy = 'retention'): Promise<RetentionCounts | null> {
    const cutoff = this.cutoff(now);
    let counts: RetentionCounts | null = null;
    const ran = await underAdvisoryLock(this.db, 'privacy.retention', async (m) => {
      counts = await this.apply(m, cutoff, now);
      if (Object.values(counts).some((n) => n > 0)) {
        await m.query(`INSERT INTO privacy_tasks (id, kind, requested_by, at, counts) VALUES ($1, 'retention', $2, $3, $4)`, [randomUUID(), requestedBy, now, JSON.stringify(counts)]);
        this.logger.event('info', 'privacy.retention', { cutoff: cutoff.toISOString(), ...counts }, 'Retention');
      }
    });
    return ran ? counts : null;
  }

  private async apply(m: EntityManager, cutoff: Date, now: Date): Promise<RetentionCounts> {
    const count = async (sql: string, params: unknown[]) => Number((await m.query(`WITH changed AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM changed`, params))[0].n);
    let tickets = 0;
    for (;;) {
      // Skips a ticket someone is changing right now (reopening it): the next run looks again.
      const ids: string[] = (
        await m.query(`SELECT id FROM tickets WHERE status = $2 AND anonymised_at IS NULL AND updated_at < $1 ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED`, [cutoff, CLOSED, BATCH])
      ).map((r: { id: string }) => r.id);
      if (!ids.length) break;
      tickets += (await this.tickets.anonymiseTickets(m, ids, { person: ANONYMISED_PERSON, text: ANONYMISED_TEXT }, now)).tickets;
      if (ids.length < BATCH) break;
    }
    // A conversation an open ticket still answers into stays until that ticket is closed and its year is over.
    const conversations = await count(
      `DELETE FROM conversations c WHERE c.updated_at < $1
         AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.requester_conversation = c.id::text AND t.anonymised_at IS NULL AND (t.status <> $2 OR t.updated_at >= $1))`,
      [cutoff, CLOSED],
    );
    // A web chat session without its conversation leads nowhere: it goes too.
    await count(`DELETE FROM webchat_sessions s WHERE s.created_at < $1 AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.external_id = s.external_id)`, [cutoff]);
    const kbAnswers = await count(`UPDATE kb_answers SET school_structure_id = NULL WHERE school_structure_id IS NOT NULL AND created_at < $1`, [cutoff]);
    const notifications = await count(`DELETE FROM outbox WHERE state IN ('delivered', 'dead') AND created_at < $1`, [cutoff]);
    return { tickets, conversations, kbAnswers, notifications };
  }
}
