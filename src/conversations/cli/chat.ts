import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { z } from 'zod';
import { ChatIdentity } from '../../admin-actions/actor';
import { AppModule } from '../../app.module';
import { ConfigError, loadConfig } from '../../config/config';
import { DomainError } from '../../common/errors';
import { DemoIdentities } from '../../demo/demo-identities.service';
import { readDirectoryFile } from '../../directory/directory-import';
import { DEMO_DIRECTORY_FILE } from '../../demo/demo-data';
import { NotificationsSettle } from '../../notifications/notifications-settle';
import { TicketCommands } from '../../tickets/ticket-commands.service';
import { TicketViewers } from '../../tickets/ticket-viewers.service';
import { ChatOutlets, ChatReply } from '../chat-outlets';
import { ConversationEngine } from '../conversation-engine.service';

/**
 * Talk to the conversation engine on the embedded defaults (a fresh temporary
 * database with the demo académie, the sandbox ENT, in-process jobs):
 *
 *   npm run chat                 a conversation in the terminal, as a demo person or a visitor
 *   npm run -s chat -- --jsonl   the contract of ../shared/spec/chat-contract.md: JSON lines in, JSON lines out
 *
 * Logs go to standard error; standard output carries the conversation only.
 */
const personLine = z
  .object({
    conversation: z.string().min(1).max(200),
    user: z.string().min(1).max(128).nullable(),
    text: z.string().max(100_000).optional(),
    choice: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((l) => (l.text === undefined) !== (l.choice === undefined), 'give either text or choice');

const staffLine = z
  .object({
    staff: z.string().min(1).max(128),
    ticket: z.string().regex(/^[A-Z]{2,6}-\d{4}-\d{6,}$/, 'a ticket reference such as AST-2026-000042'),
    text: z.string().min(1).max(20_000).optional(),
    action: z.enum(['claim', 'resolve', 'wait_for_user', 'escalate']).optional(),
  })
  .strict()
  .refine((l) => l.text !== undefined || l.action !== undefined, 'give text or action')
  .refine((l) => l.action !== 'escalate' || l.text !== undefined, 'an escalation needs a text: its reason');

type Write = (value: object) => void;

class ChatSession {
  /** The story's conversation names, by the engine's external id. */
  private readonly names = new Map<string, string>();
  private readonly linked = new Map<string, string | null>();
  private line = 0;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly write: Write,
  ) {
    // Replies nobody asked for at that moment (a staff answer relayed): they belong to the line being handled.
    app.get(ChatOutlets).register('webchat', (reply) => this.writeReply(reply));
  }

  async handle(raw: string, line: number): Promise<void> {
    this.line = line;
    try {
      const value = JSON.parse(raw) as unknown;
      if (value && typeof value === 'object' && 'staff' in value) await this.staff(staffLine.parse(value));
      else await this.person(personLine.parse(value));
      await this.app.get(NotificationsSettle).settle();
    } catch (error) {
      this.write({ line, error: describe(error) });
    }
    this.write({ line, done: true });
  }

  private async person(input: z.output<typeof personLine>): Promise<void> {
    const externalId = `jsonl:${input.conversation}`;
    this.names.set(externalId, input.conversation);
    const identity: ChatIdentity = { channel: 'webchat', externalId };
    if (this.linked.get(externalId) !== input.user) {
      if (input.user) await this.app.get(DemoIdentities).link(identity, input.user);
      this.linked.set(externalId, input.user);
    }
    const replies = await this.app.get(ConversationEngine).handle({ channel: 'webchat', conversation: externalId, identity, text: input.text, choice: input.choice });
    for (const reply of replies) this.writeReply(reply);
  }

  private async staff(input: z.output<typeof staffLine>): Promise<void> {
    const person = await this.app.get(TicketViewers).person(input.staff);
    const commands = this.app.get(TicketCommands);
    if (input.action === 'escalate') await commands.escalate(input.ticket, input.text!, person);
    else if (input.action) await commands.transition(input.ticket, { action: input.action }, person);
    else await commands.addMessage(input.ticket, { body: input.text!, visibility: 'public', channel: 'api' }, person);
  }

  private writeReply(reply: ChatReply): void {
    this.write({
      conversation: this.names.get(reply.externalId) ?? reply.externalId,
      line: this.line,
      text: reply.text,
      choices: reply.choices,
      answer: reply.answer,
      ticket: reply.ticket,
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError) return error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ');
  if (error instanceof SyntaxError) return `not JSON: ${error.message}`;
  if (error instanceof DomainError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function jsonl(app: INestApplicationContext): Promise<void> {
  const write: Write = (value) => process.stdout.write(JSON.stringify(value) + '\n');
  const session = new ChatSession(app, write);
  let line = 0;
  for await (const raw of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    await session.handle(raw, line++);
  }
}

/** A conversation in the terminal: choose who you are, then write; a number picks one of the buttons offered. */
async function terminal(app: INestApplicationContext): Promise<void> {
  const people = readDirectoryFile(DEMO_DIRECTORY_FILE).people;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const question = (q: string) => new Promise<string>((resolve) => rl.question(q, resolve));
  console.log('Qui êtes-vous ?\n  0. Un visiteur anonyme');
  people.forEach((p, i) => console.log(`  ${i + 1}. ${p.displayName} (${p.profile ?? 'profil inconnu'})`));
  const pick = Number(await question('> '));
  const user = pick >= 1 && pick <= people.length ? people[pick - 1].entUserId : null;
  let offered: ChatReply['choices'] = [];
  const show = (reply: ChatReply) => {
    console.log(`\nRelais : ${reply.text}`);
    reply.choices.forEach((c, i) => console.log(`  [${i + 1}] ${c.label}`));
    if (reply.choices.length) offered = reply.choices;
  };
  const conversation = `terminal-${randomUUID()}`;
  const identity: ChatIdentity = { channel: 'webchat', externalId: conversation };
  if (user) await app.get(DemoIdentities).link(identity, user);
  app.get(ChatOutlets).register('webchat', show);
  console.log('\nÉcrivez votre question (Ctrl+D pour quitter).');
  for (;;) {
    const text = await question('\nVous : ').catch(() => null);
    if (text === null) break;
    const index = /^\d+$/.test(text.trim()) ? Number(text.trim()) - 1 : -1;
    const turn = offered[index] ? { choice: offered[index].id } : { text };
    for (const reply of await app.get(ConversationEngine).handle({ channel: 'webchat', conversation, identity, ...turn })) show(reply);
  }
  rl.close();
}

async function main(argv: string[]): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relais-chat-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
    DATA_DIR: dataDir,
    DEMO_DATA: 'true',
    ENT_ADAPTER: 'sandbox',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    LOG_STREAM: 'stderr',
  };
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(loadConfig(env)), { logger: false, abortOnError: false });
  try {
    await (argv.includes('--jsonl') ? jsonl(app) : terminal(app));
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
