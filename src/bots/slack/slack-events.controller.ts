import { createHmac, timingSafeEqual } from 'node:crypto';
import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { JsonLogger } from '../../common/logging/json-logger';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { SlackBolt } from './slack-bolt';
import { SlackEventLog } from './slack-event-log';
import { SlackWorkQueue } from './slack-work-queue';

/** Slack signs each request with its time: older or later than this, it is refused (a replay). */
export const SLACK_MAX_SKEW_SECONDS = 300;
/** Bolt's listeners acknowledge first; should one not, Slack still hears back well within its 3 s. */
const ACK_DEADLINE_MS = 2500;

/**
 * The one request URL of the Slack app (events, slash commands,
 * interactivity), Bolt's default `/slack/events`. Checks what Bolt does not
 * (future timestamps) as well as the signature, then hands the request to
 * Bolt; the response goes out as soon as a listener acknowledges, the work
 * goes on after it. An event is worked once whatever Slack's retries: the
 * event log in the database says whether it was taken in hand already.
 */
@ApiExcludeController()
@Controller('slack')
export class SlackEventsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly bolt: SlackBolt,
    private readonly work: SlackWorkQueue,
    private readonly eventLog: SlackEventLog,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  @Post('events')
  @HttpCode(200)
  async events(@Req() req: Request & { rawBody?: Buffer }, @Res() res: Response): Promise<void> {
    const slack = this.config.slack;
    if (!slack || !this.bolt.enabled) throw new DomainError('SLACK_DISABLED', 'The Slack app is not configured on this server.');
    this.verify(req, slack.signingSecret);
    const body = readBody(req);
    if (body.type === 'url_verification') {
      res.status(200).json({ challenge: String(body.challenge ?? '') });
      return;
    }
    const retryNum = numberHeader(req.headers['x-slack-retry-num']);
    const eventId = typeof body.event_id === 'string' ? body.event_id : null;
    let acked = false;
    const ack = async (response?: unknown) => {
      if (acked) return;
      acked = true;
      if (response === undefined || response === null || response === '') res.status(200).send('');
      else if (typeof response === 'string') res.status(200).type('text/plain').send(response);
      else res.status(200).json(response);
    };
    // What needs no answer but a 200 (button presses, events, the slash command, whose answers go to its
    // response URL) is acknowledged before Bolt even routes it; a modal's submission waits for its listener,
    // which may answer with errors under the fields.
    // Acknowledged work waits its turn in the work queue; a modal's submission runs at once, its answer awaited.
    const atOnce = acknowledgedAtOnce(body);
    if (atOnce) await ack();
    const deadline = setTimeout(() => void ack(), ACK_DEADLINE_MS);
    deadline.unref();
    const event = { body, ack, retryNum, retryReason: headerText(req.headers['x-slack-retry-reason']) };
    // A retry of an event already taken in hand (here or by another replica) is acknowledged and left.
    const once = async () => {
      if (eventId && !(await this.eventLog.claim(eventId))) return;
      await this.bolt.dispatch(event);
    };
    (atOnce ? this.work.run(orderKey(body), once) : this.bolt.dispatch(event))
      .catch((error: unknown) => {
        this.logger.event('error', 'slack.listener_failed', { error: error instanceof Error ? error.message : String(error), requestId: (req as { id?: string }).id }, 'slack');
      })
      .finally(() => {
        clearTimeout(deadline);
        // No listener for it (an event we do not follow): Slack only needs the 200.
        void ack();
      });
  }

  /** `v0=HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)`, within five minutes either way. */
  private verify(req: Request & { rawBody?: Buffer }, secret: string): void {
    const timestamp = headerText(req.headers['x-slack-request-timestamp']);
    const signature = headerText(req.headers['x-slack-signature']);
    if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) {
      throw new DomainError('SLACK_SIGNATURE_INVALID', 'The request is not signed by Slack (X-Slack-Signature and X-Slack-Request-Timestamp required).');
    }
    const skew = Math.abs(this.clock.now().getTime() / 1000 - Number(timestamp));
    if (skew > SLACK_MAX_SKEW_SECONDS) {
      throw new DomainError('SLACK_REQUEST_STALE', `The request's timestamp is more than ${SLACK_MAX_SKEW_SECONDS} s away from now: refused as a possible replay.`);
    }
    const raw = req.rawBody ?? Buffer.alloc(0);
    const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(raw).digest('hex')}`);
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new DomainError('SLACK_SIGNATURE_INVALID', 'The Slack signature does not match the request.');
    }
  }
}

/**
 * What must be worked off in arrival order: one thread's messages (a reply
 * and the note after it), one message's button presses. Null: no order.
 */
export function orderKey(body: Record<string, unknown>): string | null {
  const event = body.event as Record<string, unknown> | undefined;
  if (body.type === 'event_callback' && event && typeof event.channel === 'string') {
    const thread = typeof event.thread_ts === 'string' ? event.thread_ts : typeof event.ts === 'string' ? event.ts : '';
    return `thread:${event.channel}:${thread}`;
  }
  const container = body.container as Record<string, unknown> | undefined;
  if (body.type === 'block_actions' && container && typeof container.message_ts === 'string') {
    return `message:${String(container.channel_id ?? '')}:${container.message_ts}`;
  }
  return null;
}

function acknowledgedAtOnce(body: Record<string, unknown>): boolean {
  return body.type === 'block_actions' || body.type === 'event_callback' || typeof body.command === 'string';
}

/** Events come as JSON; commands as a form; interactivity as a form whose `payload` is JSON. */
function readBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new DomainError('MALFORMED_BODY', 'A Slack request has a JSON or form body.');
  const record = body as Record<string, unknown>;
  if (typeof record.payload === 'string') {
    try {
      const payload: unknown = JSON.parse(record.payload);
      if (payload && typeof payload === 'object' && !Array.isArray(payload)) return payload as Record<string, unknown>;
    } catch {
      // Refused below.
    }
    throw new DomainError('MALFORMED_BODY', 'The interactivity payload is not a JSON object.');
  }
  return record;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function numberHeader(value: string | string[] | undefined): number | undefined {
  const text = headerText(value);
  return text && /^\d+$/.test(text) ? Number(text) : undefined;
}
