import { randomInt } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export const BOT_TOKEN = 'test-bot-token.discord.local';
export const APPLICATION_ID = '900000000000000001';
const BOT_USER = { id: '900000000000000002', username: 'Relais', discriminator: '0', global_name: 'Relais', avatar: null, bot: true };

/** A request the bot made, as the platform received it. */
export interface DiscordCall {
  method: string;
  /** Path under `/api/v10`, without the query. */
  route: string;
  query: string;
  authorized: boolean;
  body: unknown;
}

/** A message the bot posted anywhere (a channel, a DM, an interaction reply, a follow-up, an edit). */
export interface PostedMessage {
  where: 'channel' | 'callback' | 'followup' | 'edit';
  /** The channel id (channel messages) or the interaction id (callbacks, follow-ups, edits). */
  target: string;
  /** Callback type: 4 reply, 7 update, 9 modal. */
  type?: number;
  content: string;
  ephemeral: boolean;
  components: { type: number; components: { type: number; custom_id?: string; label?: string; url?: string }[] }[];
  raw: Record<string, unknown>;
}

export interface DiscordUser {
  id: string;
  username: string;
  global_name?: string;
}

let snowflake = 1_000_000n;
const nextId = () => String(1_300_000_000_000_000_000n + snowflake++ * 4096n + BigInt(randomInt(4096)));

/**
 * A local Discord: the REST routes the bot uses (`/api/v10/...`: gateway/bot,
 * bulk overwrite of application commands, interaction callbacks, webhook
 * follow-ups and edits, channel messages, DM channels) and the gateway over
 * WebSocket (HELLO, IDENTIFY → READY, heartbeats and their ACK, dispatches).
 * discord.js is pointed at it with `rest.api`; it finds the gateway through
 * `GET /gateway/bot` as with the real one.
 */
export class DiscordServer {
  readonly calls: DiscordCall[] = [];
  readonly posted: PostedMessage[] = [];
  readonly identified: { intents: number; token: string }[] = [];
  heartbeats = 0;
  /** Channel-message posts still to refuse with a 429 (Retry-After), by channel id. */
  private readonly limited = new Map<string, number>();
  private readonly sockets = new Set<WebSocket>();
  private sequence = 0;
  private readonly readyWaiters: (() => void)[] = [];
  private readonly answerWaiters = new Map<string, (posted: PostedMessage) => void>();
  private readonly server: Server;
  private readonly gateway: WebSocketServer;

  private constructor() {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    // Idle keep-alive connections stay open: closing one as a client reuses it resets the client's request.
    this.server.keepAliveTimeout = 0;
    this.gateway = new WebSocketServer({ server: this.server });
    this.gateway.on('connection', (socket) => this.onSocket(socket));
  }

  static async start(): Promise<DiscordServer> {
    const server = new DiscordServer();
    await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** What DISCORD_API_URL is set to. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** Resolves once a client has identified and received READY. */
  ready(): Promise<void> {
    if (this.identified.length > 0 && this.sockets.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Closes the gateway sockets (a Discord outage, or before the service restarts). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
    this.identified.length = 0;
  }

  /** The next `times` messages posted in this channel are refused with 429 and a short Retry-After, as Discord's rate limits do. */
  rateLimit(channelId: string, times: number): void {
    this.limited.set(channelId, times);
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.gateway.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- what people do ----------------------------------------------------------

  /** A slash command typed in a server channel (or in the bot's DMs, `guildId: null`). */
  slashCommand(user: DiscordUser, name: string, options: Record<string, string> = {}, where: { guildId: string | null } = { guildId: GUILD_ID }): string {
    return this.interact(user, 2, where.guildId, {
      id: nextId(),
      name,
      type: 1,
      options: Object.entries(options).map(([key, value]) => ({ name: key, type: 3, value })),
    });
  }

  /** A click on a button of a message the bot posted. */
  clickButton(user: DiscordUser, message: PostedMessage, customId: string): string {
    const guildId = message.where === 'channel' ? null : GUILD_ID;
    return this.interact(user, 3, guildId, { custom_id: customId, component_type: 2 }, message);
  }

  /** A modal the bot showed, submitted with these text fields. */
  submitModal(user: DiscordUser, customId: string, fields: Record<string, string>, where: { guildId: string | null } = { guildId: GUILD_ID }): string {
    return this.interact(user, 5, where.guildId, {
      custom_id: customId,
      components: Object.entries(fields).map(([key, value]) => ({ type: 1, components: [{ type: 4, custom_id: key, value }] })),
    });
  }

  /** A direct message written to the bot. */
  directMessage(user: DiscordUser, content: string): string {
    const id = nextId();
    this.dispatch('MESSAGE_CREATE', {
      id,
      channel_id: dmChannelId(user.id),
      channel_type: 1,
      author: userObject(user),
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
    });
    return id;
  }

  /** Resolves with the first answer to an interaction (its callback), when it comes. */
  firstAnswer(interactionId: string): Promise<PostedMessage> {
    const known = this.answersTo(interactionId)[0];
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => this.answerWaiters.set(interactionId, resolve));
  }

  /** The messages posted in answer to one interaction (its callback, follow-ups and edits). */
  answersTo(interactionId: string): PostedMessage[] {
    return this.posted.filter((p) => p.where !== 'channel' && p.target === interactionId);
  }

  /** The messages posted in a channel (a staff channel), or in a user's DM channel. */
  inChannel(channelId: string): PostedMessage[] {
    return this.posted.filter((p) => p.where === 'channel' && p.target === channelId);
  }

  dmsTo(userId: string): PostedMessage[] {
    return this.inChannel(dmChannelId(userId));
  }

  // ---- the gateway ---------------------------------------------------------------

  private interact(user: DiscordUser, type: number, guildId: string | null, data: Record<string, unknown>, message?: PostedMessage): string {
    const id = nextId();
    const channelId = guildId ? SUPPORT_CHANNEL_ID : dmChannelId(user.id);
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: APPLICATION_ID,
      type,
      data,
      token: `interaction-token-${id}`,
      version: 1,
      locale: 'fr',
      app_permissions: '0',
      entitlements: [],
      authorizing_integration_owners: {},
      context: guildId ? 0 : 1,
      channel_id: channelId,
      channel: guildId ? { id: channelId, type: 0, guild_id: guildId, name: 'aide' } : { id: channelId, type: 1, recipients: [userObject(user)] },
      ...(guildId
        ? { guild_id: guildId, guild_locale: 'fr', member: { user: userObject(user), roles: [], permissions: '0', joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 } }
        : { user: userObject(user) }),
      ...(message ? { message: messageObject(message, channelId) } : {}),
    });
    return id;
  }

  private dispatch(t: string, d: unknown): void {
    const payload = JSON.stringify({ op: 0, t, s: ++this.sequence, d });
    for (const socket of this.sockets) socket.send(payload);
  }

  private onSocket(socket: WebSocket): void {
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
    socket.on('message', (raw) => {
      const packet = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> };
      if (packet.op === 1) {
        this.heartbeats++;
        socket.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      } else if (packet.op === 2) {
        if (packet.d.token !== BOT_TOKEN) return void socket.close(4004, 'Authentication failed.');
        this.identified.push({ intents: Number(packet.d.intents), token: String(packet.d.token) });
        this.sockets.add(socket);
        socket.send(
          JSON.stringify({
            op: 0,
            t: 'READY',
            s: ++this.sequence,
            d: {
              v: 10,
              user: BOT_USER,
              guilds: [],
              session_id: `session-${nextId()}`,
              resume_gateway_url: `ws://127.0.0.1:${this.port}`,
              application: { id: APPLICATION_ID, flags: 0 },
              shard: [0, 1],
              private_channels: [],
              relationships: [],
              user_settings: {},
              presences: [],
              guild_join_requests: [],
            },
          }),
        );
        for (const resolve of this.readyWaiters.splice(0)) resolve();
      }
    });
    socket.on('close', () => this.sockets.delete(socket));
  }

  // ---- REST ------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const [path, query = ''] = (req.url ?? '/').split('?');
    const route = path.replace(/^\/api\/v10/, '');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    const authorized = req.headers.authorization === `Bot ${BOT_TOKEN}`;
    this.calls.push({ method: req.method ?? '', route, query, authorized, body });
    const json = (status: number, value: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    // discord.js crashes on an empty JSON body: a 204 carries no content type.
    const empty = (): void => void res.writeHead(204).end();
    const needsBot = () => (authorized ? false : (json(401, { message: '401: Unauthorized', code: 0 }), true));
    let m: RegExpMatchArray | null;

    if (req.method === 'GET' && (route === '/gateway/bot' || route === '/gateway')) {
      if (needsBot()) return;
      return json(200, { url: `ws://127.0.0.1:${this.port}`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (req.method === 'PUT' && (m = route.match(/^\/applications\/(\d+)(?:\/guilds\/\d+)?\/commands$/))) {
      if (needsBot()) return;
      const commands = (body as unknown as Record<string, unknown>[]) ?? [];
      return json(200, commands.map((c) => ({ ...c, id: nextId(), application_id: m![1], version: nextId(), default_member_permissions: null, dm_permission: true, nsfw: false })));
    }
    if (req.method === 'POST' && (m = route.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      const callback = body as { type: number; data?: Record<string, unknown> };
      this.post('callback', m[1], callback.data ?? {}, callback.type);
      if (query.includes('with_response=true')) return json(200, { interaction: { id: m[1], type: 2 }, resource: { type: callback.type } });
      return empty();
    }
    if ((m = route.match(/^\/webhooks\/(\d+)\/interaction-token-(\d+)(?:\/messages\/([^/]+))?$/))) {
      const interactionId = m[2];
      const posted = this.post(req.method === 'PATCH' ? 'edit' : 'followup', interactionId, body ?? {});
      return json(200, messageObject(posted, SUPPORT_CHANNEL_ID));
    }
    if (req.method === 'POST' && route === '/users/@me/channels') {
      if (needsBot()) return;
      const recipient = String((body as { recipient_id?: string } | null)?.recipient_id ?? '');
      if (!/^\d+$/.test(recipient)) return json(400, { message: 'Invalid Form Body', code: 50035 });
      return json(200, { id: dmChannelId(recipient), type: 1, last_message_id: null, flags: 0, recipients: [{ id: recipient, username: `user${recipient.slice(-4)}`, discriminator: '0', global_name: null, avatar: null }] });
    }
    if (req.method === 'POST' && (m = route.match(/^\/channels\/(\d+)\/messages$/))) {
      if (needsBot()) return;
      const refusals = this.limited.get(m[1]) ?? 0;
      if (refusals > 0) {
        this.limited.set(m[1], refusals - 1);
        res.setHeader('retry-after', '1');
        res.setHeader('x-ratelimit-scope', 'user');
        return json(429, { message: 'You are being rate limited.', retry_after: 0.3, global: false, code: 0 });
      }
      const posted = this.post('channel', m[1], body ?? {});
      return json(200, messageObject(posted, m[1]));
    }
    return json(404, { message: '404: Not Found', code: 0 });
  }

  private post(where: PostedMessage['where'], target: string, data: Record<string, unknown>, type?: number): PostedMessage {
    const posted: PostedMessage = {
      where,
      target,
      type,
      content: String(data.content ?? ''),
      ephemeral: ((Number(data.flags ?? 0) & 64) === 64),
      components: (data.components as PostedMessage['components']) ?? [],
      raw: { ...data, id: nextId() },
    };
    this.posted.push(posted);
    if (where !== 'channel') {
      this.answerWaiters.get(target)?.(posted);
      this.answerWaiters.delete(target);
    }
    return posted;
  }
}

/** The académie's server, and the channel where people type the commands. */
export const GUILD_ID = '910000000000000001';
export const SUPPORT_CHANNEL_ID = '910000000000000002';

/** The local Discord's DM channel with a user: one per user, as Discord does. */
export function dmChannelId(userId: string): string {
  return String(BigInt(userId) + 7n);
}

function userObject(user: DiscordUser) {
  return { id: user.id, username: user.username, discriminator: '0', global_name: user.global_name ?? null, avatar: null };
}

function messageObject(posted: PostedMessage, channelId: string) {
  return {
    id: String(posted.raw.id),
    channel_id: channelId,
    author: BOT_USER,
    content: posted.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    flags: posted.ephemeral ? 64 : 0,
    components: posted.components,
    application_id: APPLICATION_ID,
  };
}
