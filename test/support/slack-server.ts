import { createHmac } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export const SLACK_BOT_TOKEN = 'xoxb-test-0123456789-relais';
export const SLACK_SIGNING_SECRET = 'test-slack-signing-secret-0123456789';
export const TEAM_ID = 'T0RELAIS';

/** One Web API call as the local Slack received it: the method and its arguments (`blocks`, `view` parsed). */
export interface SlackCall {
  method: string;
  args: Record<string, any>;
  authorized: boolean;
  /** What the local Slack answered: 200, or 429 when told to. */
  status: number;
  /** What it answered (a posted message's `ts`…). */
  answer?: Record<string, any>;
  at: number;
}

/**
 * A local Slack: the Web API routes the app calls (`POST /api/<method>`,
 * form-encoded or JSON, `Authorization: Bearer xoxb-…`), each recorded, with
 * `ts` values handed out like Slack's; `POST /respond/<id>` plays the
 * response URLs. `rateLimit(method, seconds)` makes the next call of a method
 * answer 429 with Retry-After.
 */
export class SlackServer {
  readonly calls: SlackCall[] = [];
  private nextTs = 1_700_000_000;
  private readonly files = new Map<string, { mimetype: string; content: Buffer }>();
  private fileSeq = 0;
  private readonly limited: { method: string; seconds: number; where: (args: Record<string, any>) => boolean }[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<SlackServer> {
    const slack: SlackServer = new SlackServer(
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const path = (req.url ?? '/').split('?')[0];
          const text = Buffer.concat(chunks).toString();
          const args = parseArgs(text, req.headers['content-type'] ?? '');
          const method = path.startsWith('/api/') ? path.slice(5) : path;
          const call: SlackCall = { method, args, authorized: req.headers.authorization === `Bearer ${SLACK_BOT_TOKEN}`, status: 200, at: Date.now() };
          const limit = slack.limited.findIndex((l) => l.method === method && l.where(args));
          if (limit >= 0) {
            const [{ seconds: retryAfter }] = slack.limited.splice(limit, 1);
            call.status = 429;
            slack.calls.push(call);
            res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
            return res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          }
          const file = req.method === 'GET' && path.startsWith('/files/') ? slack.files.get(decodeURIComponent(path.slice(7))) : undefined;
          if (file) {
            slack.calls.push(call);
            if (!call.authorized) return res.writeHead(302, { location: '/login' }).end();
            res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.content.length) });
            return res.end(file.content);
          }
          call.answer = slack.answer(method, args);
          slack.calls.push(call);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(call.answer));
        });
      }),
    );
    await new Promise<void>((resolve) => slack.server.listen(0, '127.0.0.1', resolve));
    return slack;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** What the app needs to talk to this Slack: the bot's secrets and the Web API's address. */
  appEnv(): { SLACK_BOT_TOKEN: string; SLACK_SIGNING_SECRET: string; SLACK_API_URL: string } {
    return { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL: this.apiUrl };
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  /**
   * A file shared in Slack: served at its `url_private_download` to the bot's
   * token only (anyone else is sent to the login page, as Slack does); returns
   * the file object Slack puts in a message event.
   */
  shareFile(name: string, mimetype: string, content: Buffer): Record<string, unknown> {
    const id = `F0TEST${++this.fileSeq}`;
    this.files.set(`${id}/${name}`, { mimetype, content });
    const url = `http://127.0.0.1:${this.port}/files/${id}/${encodeURIComponent(name)}`;
    return { id, name, title: name, mimetype, filetype: name.split('.').pop(), size: content.length, url_private: url, url_private_download: url, mode: 'hosted' };
  }

  /** The next call of `method` whose arguments match answers 429 with Retry-After. */
  rateLimit(method: string, retryAfterSeconds: number, where: (args: Record<string, any>) => boolean = () => true): void {
    this.limited.push({ method, seconds: retryAfterSeconds, where });
  }

  callsOf(method: string, where: (args: Record<string, any>) => boolean = () => true): SlackCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200 && where(c.args));
  }

  private answer(method: string, args: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'chat.postMessage':
        return { ok: true, channel: args.channel, ts: `${this.nextTs++}.000100`, message: { text: args.text } };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${this.nextTs++}.000200` };
      case 'views.open':
      case 'views.publish':
        return { ok: true, view: { id: `V${this.nextTs++}` } };
      case 'auth.test':
        return { ok: true, team_id: TEAM_ID, user_id: 'UBOT', bot_id: 'BBOT' };
      default:
        return { ok: true };
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function parseArgs(text: string, contentType: string): Record<string, any> {
  if (!text) return {};
  const raw: Record<string, any> = contentType.includes('json') ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text));
  for (const key of ['blocks', 'view', 'attachments']) {
    if (typeof raw[key] === 'string') raw[key] = JSON.parse(raw[key]);
  }
  return raw;
}

/** Slack's request signature over the exact body sent. */
export function slackSignature(body: string, timestamp: number, secret = SLACK_SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
