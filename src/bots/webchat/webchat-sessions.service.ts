import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChatIdentity } from '../../admin-actions/actor';
import { Clock } from '../../common/clock';
import { TtlCache } from '../../common/ttl-cache';
import { DomainError } from '../../common/errors';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { WebchatTexts } from './webchat-texts';

/** A web chat session as the server knows it: the conversation it owns. */
export interface WebchatSession {
  externalId: string;
  identity: ChatIdentity;
  demoPerson: string | null;
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const SWEEP_MS = 10 * 60_000;

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Web chat sessions and their limits. A session is a random 256-bit token the
 * browser keeps; only its digest is stored, beside the conversation it owns,
 * so the conversation is reached by that token alone (its id is never
 * accepted from the browser). Limits are counted in the database (one upsert
 * per window and bucket), so every replica sees the same counts; addresses are
 * kept as digests.
 */
@Injectable()
export class WebchatSessions implements OnModuleInit, OnApplicationShutdown {
  private sweep: NodeJS.Timeout | undefined;
  /** Sessions never change once opened: a known token is looked up once a minute at most (an unknown one every time). */
  private readonly known = new TtlCache<WebchatSession>(60_000, 10_000);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly texts: WebchatTexts,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.sweep = setInterval(() => void this.forgetOldCounts().catch(() => undefined), SWEEP_MS);
    this.sweep.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  /** Opens a session for a visitor at an address; the token is returned once and never kept. */
  async open(address: string, demoPerson: string | null): Promise<{ token: string; session: WebchatSession }> {
    await this.take(60 * 60_000, [{ bucket: `sessions:${digest(address)}`, limit: this.config.webchat.addressSessionsPerHour, message: 'rate.sessions' }]);
    const token = randomBytes(32).toString('base64url');
    const externalId = `web-${randomUUID()}`;
    await this.db.query('INSERT INTO webchat_sessions (token_digest, external_id, demo_person, created_at) VALUES ($1, $2, $3, $4)', [
      digest(token),
      externalId,
      demoPerson,
      this.clock.now(),
    ]);
    return { token, session: { externalId, identity: { channel: 'webchat', externalId }, demoPerson } };
  }

  /** The session a token opens; a missing, malformed or unknown token is refused alike. */
  async find(token: string | undefined): Promise<WebchatSession> {
    if (!token || !TOKEN_PATTERN.test(token)) throw new DomainError('UNAUTHENTICATED', this.texts.render('session.unknown'));
    return this.known.get(digest(token), () => this.load(token));
  }

  private async load(token: string): Promise<WebchatSession> {
    const rows = (await this.db.query('SELECT external_id, demo_person FROM webchat_sessions WHERE token_digest = $1', [digest(token)])) as { external_id: string; demo_person: string | null }[];
    if (!rows.length) throw new DomainError('UNAUTHENTICATED', this.texts.render('session.unknown'));
    const externalId = rows[0].external_id;
    return { externalId, identity: { channel: 'webchat', externalId }, demoPerson: rows[0].demo_person };
  }

  /** Counts one turn against the session's and the address's limits, in one statement (a refused turn still counts). */
  async takeTurn(session: WebchatSession, address: string): Promise<void> {
    await this.take(60_000, [
      { bucket: `session:${session.externalId}`, limit: this.config.webchat.sessionTurnsPerMinute, message: 'rate.session' },
      { bucket: `address:${digest(address)}`, limit: this.config.webchat.addressTurnsPerMinute, message: 'rate.address' },
    ]);
  }

  private async take(windowMs: number, counts: { bucket: string; limit: number; message: 'rate.session' | 'rate.address' | 'rate.sessions' }[]): Promise<void> {
    const now = this.clock.now().getTime();
    const windowStart = new Date(now - (now % windowMs));
    const rows = (await this.db.query(
      `INSERT INTO webchat_rate_counts (bucket, window_start, hits) SELECT bucket, $2, 1 FROM unnest($1::text[]) AS b(bucket)
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = webchat_rate_counts.hits + 1
       RETURNING bucket, hits`,
      [counts.map((c) => c.bucket), windowStart],
    )) as { bucket: string; hits: number }[];
    const over = counts.find((c) => (rows.find((r) => r.bucket === c.bucket)?.hits ?? 0) > c.limit);
    if (over) {
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
      throw new DomainError('RATE_LIMITED', this.texts.render(over.message), { retryAfterSeconds });
    }
  }

  private async forgetOldCounts(): Promise<void> {
    await this.db.query('DELETE FROM webchat_rate_counts WHERE window_start < $1', [new Date(this.clock.now().getTime() - 2 * 60 * 60_000)]);
  }
}
