import { Inject, Injectable } from '@nestjs/common';
import { App, LogLevel, Logger, Receiver, ReceiverEvent } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { JsonLogger } from '../../common/logging/json-logger';

/**
 * The receiver Bolt is given: the Nest controller at `/slack/events` checks
 * the signature, the timestamp and retries, then hands each request here.
 * Bolt's own HTTP server is never started; the Nest app is the one server.
 */
class NestReceiver implements Receiver {
  private app: App | null = null;
  init(app: App): void {
    this.app = app;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  dispatch(event: ReceiverEvent): Promise<void> {
    if (!this.app) throw new Error('the Slack receiver was not initialised');
    return this.app.processEvent(event);
  }
}

/**
 * Bolt in HTTP mode inside the Nest app, on when SLACK_BOT_TOKEN and
 * SLACK_SIGNING_SECRET are set; its Web API client calls SLACK_API_URL.
 * Listeners are registered by `SlackInteractions`.
 */
@Injectable()
export class SlackBolt {
  readonly enabled: boolean;
  readonly app: App | null;
  private readonly receiver = new NestReceiver();

  constructor(@Inject(APP_CONFIG) config: AppConfig, logger: JsonLogger) {
    const slack = config.slack;
    this.enabled = slack !== null;
    this.app = slack
      ? new App({
          token: slack.botToken,
          receiver: this.receiver,
          // No auth.test at start: Bolt needs nothing from it here.
          tokenVerificationEnabled: false,
          logger: boltLogger(logger),
          logLevel: LogLevel.WARN,
          clientOptions: {
            slackApiUrl: slack.apiUrl,
            // A 429 is waited out (Retry-After) and tried again, twice at most; the outbox retries beyond that.
            retryConfig: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 2000 },
            rejectRateLimitedCalls: false,
            timeout: 10_000,
          },
        })
      : null;
  }

  /** The Web API client (throws when the Slack app is off: callers check `enabled`). */
  get client(): WebClient {
    if (!this.app) throw new Error('the Slack app is off');
    return this.app.client;
  }

  dispatch(event: ReceiverEvent): Promise<void> {
    return this.receiver.dispatch(event);
  }
}

/** Bolt's logger over the JSON logger; Bolt never logs tokens, and request bodies are not passed to it. */
function boltLogger(logger: JsonLogger): Logger {
  let level = LogLevel.WARN;
  const line = (lvl: 'error' | 'warn' | 'info' | 'debug') => (...msg: unknown[]) =>
    logger.event(lvl, msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' '), {}, 'slack.bolt');
  return {
    error: line('error'),
    warn: line('warn'),
    info: line('info'),
    debug: () => {},
    setLevel: (l: LogLevel) => (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}
