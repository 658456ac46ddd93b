import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { z } from 'zod';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DomainError } from '../../common/errors';
import { JsonLogger } from '../../common/logging/json-logger';
import { parseOrThrow } from '../../common/http/zod-body.pipe';
import { ChatReply } from '../../conversations/chat-outlets';
import { ConversationEngine } from '../../conversations/conversation-engine.service';
import { DemoIdentities } from '../../demo/demo-identities.service';
import { DEMO_DIRECTORY_FILE } from '../../demo/demo-data';
import { readDirectoryFile } from '../../directory/directory-import';
import { WebchatSessions } from './webchat-sessions.service';
import { WebchatStreams } from './webchat-streams';
import { WebchatTexts } from './webchat-texts';

const PUBLIC_DIR = join(__dirname, 'public');
/** The files the pages load; nothing else is served from the folder. */
const ASSETS: Record<string, string> = { 'webchat.js': 'text/javascript; charset=utf-8', 'webchat.css': 'text/css; charset=utf-8' };
const HEARTBEAT_MS = 20_000;

const sessionBody = z.object({ person: z.string().regex(/^[\w.-]{1,128}$/).nullish() }).strict();
const turnBody = z
  .object({
    // Longer texts reach the engine, which answers them politely; the body limit bounds the rest.
    text: z.string().max(100_000).optional(),
    choice: z.string().regex(/^[\w:.-]{1,200}$/).optional(),
  })
  .strict()
  .refine((b) => (b.text === undefined) !== (b.choice === undefined), { message: 'give either text or choice', path: ['text'] });

/** What the page shows of a reply: never the conversation's ids. */
function shown(reply: Pick<ChatReply, 'text' | 'choices' | 'ticket'> & { author?: string }) {
  return { author: reply.author ?? 'relais', text: reply.text, choices: reply.choices, ticket: reply.ticket ? { reference: reply.ticket.reference, status: reply.ticket.status } : null };
}

/**
 * The web chat: the demo page (`/`), the widget an ENT frames (`/webchat`),
 * their two static files, and the session API they use. A turn's replies and
 * what the engine says later stream as server-sent events; the session token
 * travels in the Authorization header only (never a URL, never logged).
 */
@ApiExcludeController()
@Controller()
export class WebchatController {
  private readonly pages: { demo: string; widget: string };
  private readonly assets = new Map<string, Buffer>();
  private readonly demoPeople: { id: string; name: string; profile: string | null }[];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: WebchatSessions,
    private readonly streams: WebchatStreams,
    private readonly engine: ConversationEngine,
    private readonly demo: DemoIdentities,
    private readonly texts: WebchatTexts,
    private readonly logger: JsonLogger,
  ) {
    this.pages = { demo: readFileSync(join(PUBLIC_DIR, 'demo.html'), 'utf8'), widget: readFileSync(join(PUBLIC_DIR, 'widget.html'), 'utf8') };
    for (const name of Object.keys(ASSETS)) this.assets.set(name, readFileSync(join(PUBLIC_DIR, name)));
    this.demoPeople = readDirectoryFile(DEMO_DIRECTORY_FILE).people.map((p) => ({ id: p.entUserId, name: p.displayName, profile: p.profile ?? null }));
  }

  /** Demo people only with the demo data and the sandbox ENT: never with a real ENT or production data. */
  private get demoAvailable(): boolean {
    return this.config.demoData && this.demo.available;
  }

  @Get()
  demoPage(@Res() res: Response): void {
    this.secure(res, "'none'");
    res.type('html').send(this.pages.demo);
  }

  @Get('webchat')
  widget(@Res() res: Response): void {
    this.secure(res, ["'self'", ...this.config.webchat.frameAncestors].join(' '));
    res.type('html').send(this.pages.widget);
  }

  @Get('webchat/assets/:name')
  asset(@Param('name') name: string, @Res() res: Response): void {
    const body = Object.hasOwn(ASSETS, name) ? this.assets.get(name) : undefined;
    if (!body) throw new DomainError('NOT_FOUND', 'No such file.');
    this.secure(res, "'none'");
    res.setHeader('Cache-Control', 'no-cache');
    res.type(ASSETS[name]).send(body);
  }

  @Get('webchat/api/people')
  people(@Res({ passthrough: true }) res: Response) {
    this.secure(res, "'none'");
    return { available: this.demoAvailable, people: this.demoAvailable ? this.demoPeople : [] };
  }

  @Post('webchat/api/sessions')
  @HttpCode(201)
  async open(@Body() raw: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    this.secure(res, "'none'");
    const body = parseOrThrow(sessionBody, raw ?? {});
    const person = body.person ?? null;
    if (person && !this.demoAvailable) throw new DomainError('VALIDATION_FAILED', this.texts.render('demo.unavailable'), { errors: [{ path: 'person', message: 'demo people need DEMO_DATA and the sandbox ENT' }] });
    if (person && !this.demoPeople.some((p) => p.id === person)) throw new DomainError('VALIDATION_FAILED', this.texts.render('demo.unknown'), { errors: [{ path: 'person', message: 'not a person of the demo directory' }] });
    const { token, session } = await this.sessions.open(addressOf(req), person).catch((error: unknown) => refuseWithRetryAfter(res, error));
    if (person) await this.demo.link(session.identity, person);
    return { token, person: person ? this.demoPeople.find((p) => p.id === person)!.name : null };
  }

  /** One turn: validated and counted first (refusals are the usual JSON error), then its replies streamed. */
  @Post('webchat/api/turns')
  async turn(@Headers('authorization') authorization: string | undefined, @Body() raw: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.secure(res, "'none'");
    const session = await this.sessions.find(bearer(authorization));
    const body = parseOrThrow(turnBody, raw ?? {});
    await this.sessions.takeTurn(session, addressOf(req)).catch((error: unknown) => refuseWithRetryAfter(res, error));
    this.openStream(res);
    try {
      const replies = await this.engine.handle({ channel: 'webchat', conversation: session.externalId, identity: session.identity, text: body.text, choice: body.choice });
      for (const reply of replies) send(res, 'reply', shown(reply));
    } catch (error) {
      this.logger.event('error', 'webchat.turn_failed', { error: error instanceof Error ? error.message : String(error) }, 'WebchatController');
      send(res, 'reply', { author: 'relais', text: this.texts.render('error.unavailable'), choices: [], ticket: null });
    }
    send(res, 'done', {});
    res.end();
  }

  /** The session's stream: the transcript first (a page that reloads shows it again), then what the engine says later. */
  @Get('webchat/api/events')
  async events(@Headers('authorization') authorization: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.secure(res, "'none'");
    const session = await this.sessions.find(bearer(authorization));
    this.openStream(res);
    // Listening before reading the transcript: a reply arriving in between is not lost (it may show twice at worst).
    const stop = this.streams.listen(session.externalId, { send: (reply) => send(res, 'reply', shown(reply)), end: () => res.end() });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      stop();
      clearInterval(heartbeat);
    });
    const transcript = await this.engine.transcript('webchat', session.externalId);
    send(res, 'history', {
      person: session.demoPerson ? (this.demoPeople.find((p) => p.id === session.demoPerson)?.name ?? null) : null,
      messages: transcript.map((m) => shown({ author: m.author, text: m.text, choices: m.offered ? m.choices : [], ticket: m.ticket })),
    });
  }

  private openStream(res: Response): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
  }

  /** A strict policy on every web chat response: no inline script or style, only this origin's files; who may frame it. */
  private secure(res: Response, frameAncestors: string): void {
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors ${frameAncestors}`,
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!res.getHeader('Cache-Control')) res.setHeader('Cache-Control', 'no-store');
  }
}

/** A rate-limit refusal also says when to come back, in the header clients and proxies read. */
function refuseWithRetryAfter(res: Response, error: unknown): never {
  if (error instanceof DomainError && error.code === 'RATE_LIMITED') res.setHeader('Retry-After', String(error.details?.retryAfterSeconds ?? 60));
  throw error;
}

function send(res: Response, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function bearer(authorization: string | undefined): string | undefined {
  const match = /^Bearer (\S+)$/.exec(authorization ?? '');
  return match?.[1];
}

/** The visitor's address as this process sees it (behind a proxy, set Express's trust proxy to read X-Forwarded-For). */
function addressOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
