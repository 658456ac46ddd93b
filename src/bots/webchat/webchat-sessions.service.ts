import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChatIdentity } from '../../admin-actions/actor';
import { Clock } from '../../common/clock';
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
    await this.take(`sessions:${digest(address)}`, 60 * 60_000, this.config.webchat.addressSessionsPerHour, 'rate.sessions');
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
    const rows = (await this.db.query('SELECT external_id, demo_person FROM webchat_sessions WHERE token_digest = $1', [digest(token)])) as { external_id: string; demo_person: string | null }[];
    if (!rows.length) throw new DomainError('UNAUTHENTICATED', this.texts.render('session.unknown'));
    const externalId = rows[0].external_id;
    return { externalId, identity: { channel: 'webchat', externalId }, demoPerson: rows[0].demo_person };
  }

  /** Counts one turn against the session's and the address's limits (both counted, so a refused turn still counts). */
  async takeTurn(session: WebchatSession, address: string): Promise<void> {
    await this.take(`session:${session.externalId}`, 60_000, this.config.webchat.sessionTurnsPerMinute, 'rate.session');
    await this.take(`address:${digest(address)}`, 60_000, this.config.webchat.addressTurnsPerMinute, 'rate.address');
  }

  private async take(bucket: string, windowMs: number, limit: number, message: 'rate.session' | 'rate.address' | 'rate.sessions'): Promise<void> {
    const now = this.clock.now().getTime();
    const windowStart = new Date(now - (now % windowMs));
    const [row] = (await this.db.query(
      `INSERT INTO webchat_rate_counts (bucket, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = webchat_rate_counts.hits + 1
       RETURNING hits`,
      [bucket, windowStart],
    )) as { hits: number }[];
    if (row.hits > limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
      throw new DomainError('RATE_LIMITED', this.texts.render(message), { retryAfterSeconds });
    }
  }

  private async forgetOldCounts(): Promise<void> {
    await this.db.query('DELETE FROM webchat_rate_counts WHERE window_start < $1', [new Date(this.clock.now().getTime() - 2 * 60 * 60_000)]);
  }
}
