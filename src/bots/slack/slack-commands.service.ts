import { Injectable, OnModuleInit } from '@nestjs/common';
import type { AllMiddlewareArgs, BlockAction, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { AccountActionsService } from '../../admin-actions/account-actions.service';
import { LinkingService } from '../../admin-actions/linking/linking.service';
import { DomainError, userMessageOf } from '../../common/errors';
import { JsonLogger } from '../../common/logging/json-logger';
import { ChatReply } from '../../conversations/chat-outlets';
import { ConversationEngine } from '../../conversations/conversation-engine.service';
import { isStaffFor, Person } from '../../tickets/ticket-access';
import { TicketQueries } from '../../tickets/ticket-queries.service';
import { TicketEntity } from '../../tickets/ticket.entity';
import { escapeMrkdwn, nextDue } from './slack-cards';
import { SlackBolt } from './slack-bolt';
import { SlackPeople } from './slack-people';
import { frenchDate, SLACK_TEXTS as T, SLASH_TEXTS as S } from './slack-texts';
import { SlackTriageChannel } from './slack-triage.channel';
import type { SlackMessage } from './slack-interactions.service';

export const CHOICE_ACTION = /^relais_choice:/;
export const CONFIRM_ACTION = 'relais_confirm_account_action';
const OPEN_STATUSES = ['new', 'opened', 'waiting_for_user'];

/** Tickets in the order their deadlines come: the nearest first, those without one last. */
export function bySlaDue(a: TicketEntity, b: TicketEntity): number {
  return (nextDue(a)?.getTime() ?? Infinity) - (nextDue(b)?.getTime() ?? Infinity);
}

/**
 * `/assistance` and its French sub-commands, direct messages to the bot
 * (the conversation engine) and the App Home. Every command is acknowledged
 * at once and answered ephemerally through its response URL; a renewal code
 * only ever goes there, to the one person who asked.
 */
@Injectable()
export class SlackCommands implements OnModuleInit {
  constructor(
    private readonly bolt: SlackBolt,
    private readonly people: SlackPeople,
    private readonly engine: ConversationEngine,
    private readonly linking: LinkingService,
    private readonly accounts: AccountActionsService,
    private readonly queries: TicketQueries,
    private readonly cards: SlackTriageChannel,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    const app = this.bolt.app;
    if (!app) return;
    app.command('/assistance', (args) => this.onCommand(args as SlackCommandMiddlewareArgs & AllMiddlewareArgs));
    app.action(CHOICE_ACTION, (args) => this.onChoice(args as unknown as ButtonArgs));
    app.action(CONFIRM_ACTION, (args) => this.onConfirm(args as unknown as ButtonArgs));
    app.event('app_home_opened', async ({ event, body }) => {
      const teamId = (body as { team_id?: string }).team_id ?? '';
      await this.publishHome(teamId, (event as { user: string }).user);
    });
    app.message(async ({ message, body }) => {
      const m = message as unknown as SlackMessage;
      if (m.channel_type !== 'im' || m.subtype || m.bot_id || !m.user || !m.text) return;
      const teamId = m.team ?? (body as { team_id?: string }).team_id ?? '';
      const replies = await this.engine.handle({ channel: 'slack', conversation: m.user, identity: this.people.identity(teamId, m.user), text: m.text });
      for (const reply of replies) await this.bolt.client.chat.postMessage({ channel: m.channel, ...replyMessage(reply) });
    });
  }

  private async onCommand({ ack, command, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    await ack();
    const [word = '', ...rest] = command.text.trim().split(/\s+/);
    const argument = rest.join(' ').trim();
    const teamId = command.team_id;
    const userId = command.user_id;
    const identity = this.people.identity(teamId, userId, command.user_name);
    const say = (text: string, blocks?: KnownBlock[]) => respond({ response_type: 'ephemeral', text, ...(blocks ? { blocks } : {}) });
    try {
      switch (word.toLowerCase()) {
        case 'aide':
        case 'ticket': {
          if (!argument) return void (await say(word === 'aide' ? S.askQuestion : S.describeProblem));
          const replies = await this.engine.handle({ channel: 'slack', conversation: userId, identity, text: argument, ticket: word === 'ticket' });
          for (const reply of replies) await respond({ response_type: 'ephemeral', ...replyMessage(reply) });
          return;
        }
        case 'lier': {
          const offer = await this.linking.offer(identity);
          return void (await say(offer.text));
        }
        case 'voir': {
          const person = await this.people.person(teamId, userId);
          if (!person) return void (await say(T.notLinked));
          const ticket = await this.queries.get(argument, person);
          const card = await this.cards.renderCard(ticket);
          return void (await say(card.text, card.blocks.filter((b) => b.type !== 'actions')));
        }
        case 'file': {
          const person = await this.people.person(teamId, userId);
          if (!person) return void (await say(T.notLinked));
          const { mine, queue } = await this.queueOf(person);
          return void (await say([S.myTickets(mine.length), ...mine.map(line), S.unclaimed(queue.length), ...queue.map(line)].join('\n')));
        }
        case 'code':
        case 'debloquer': {
          if (!argument) return void (await say(S.loginRequired));
          const preview = await this.accounts.preview(
            { kind: 'chat', identity },
            word === 'code' ? { action: 'renewal_code', target: { login: argument } } : { action: 'unblock', target: { login: argument } },
          );
          if (preview.kind !== 'confirm') return void (await say(preview.text));
          // The confirmation token is bound to this Slack identity: worthless to anyone else, and it never holds the code.
          return void (await say(preview.text, [
            { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(preview.text) } },
            { type: 'actions', elements: [{ type: 'button', action_id: CONFIRM_ACTION, style: 'primary', text: { type: 'plain_text', text: S.confirm }, value: preview.confirmation.token }] },
          ]));
        }
        default:
          return void (await say(S.usage));
      }
    } catch (error) {
      await say(userMessage(error));
      if (!(error instanceof DomainError)) throw error;
    }
  }

  private async onConfirm({ ack, body, action, respond }: ButtonArgs): Promise<void> {
    await ack();
    const identity = this.people.identity(body.user.team_id ?? body.team?.id ?? '', body.user.id);
    try {
      const result = await this.accounts.confirm({ kind: 'chat', identity }, action.value ?? '');
      // Replaces the ephemeral confirmation with the result: seen by this person only, through the response URL.
      await respond({ response_type: 'ephemeral', replace_original: true, text: result.text });
    } catch (error) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: userMessage(error) });
      if (!(error instanceof DomainError)) throw error;
    }
  }

  private async onChoice({ ack, body, action, respond }: ButtonArgs): Promise<void> {
    await ack();
    const teamId = body.user.team_id ?? body.team?.id ?? '';
    const replies = await this.engine.handle({ channel: 'slack', conversation: body.user.id, identity: this.people.identity(teamId, body.user.id), choice: action.value });
    for (const reply of replies) await respond({ response_type: 'ephemeral', replace_original: false, ...replyMessage(reply) });
  }

  private async queueOf(person: Person): Promise<{ mine: TicketEntity[]; queue: TicketEntity[] }> {
    const { items } = await this.queries.list({ status: OPEN_STATUSES, page: 1, pageSize: 200 }, person);
    const mine = items.filter((t) => t.assigneeId === person.scope.entUserId).sort(bySlaDue);
    const queue = items.filter((t) => !t.assigneeId && isStaffFor(t, person)).sort(bySlaDue);
    return { mine, queue };
  }

  /** The App Home: my claimed tickets and my circonscription's unclaimed queue, by SLA due. */
  async publishHome(teamId: string, userId: string): Promise<void> {
    const person = await this.people.person(teamId, userId);
    const blocks: KnownBlock[] = [];
    if (!person) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: T.notLinked } });
    } else {
      const { mine, queue } = await this.queueOf(person);
      blocks.push({ type: 'header', text: { type: 'plain_text', text: S.myTickets(mine.length) } });
      for (const t of mine.slice(0, 20)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: line(t) } });
      blocks.push({ type: 'divider' }, { type: 'header', text: { type: 'plain_text', text: S.unclaimed(queue.length) } });
      for (const t of queue.slice(0, 20)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: line(t) } });
    }
    await this.bolt.client.views.publish({ user_id: userId, view: { type: 'home', blocks } });
  }
}

type ButtonArgs = { ack: () => Promise<void>; body: BlockAction; action: { value?: string; action_id: string }; respond: RespondFn };

function line(t: TicketEntity): string {
  const due = nextDue(t);
  return `• *${t.reference}* ${escapeMrkdwn(t.subject)} — ${escapeMrkdwn(t.requesterName)}${due ? ` · ${S.due(frenchDate(due))}` : ''}`;
}

/** The engine's reply as a Slack message: its text, and its choices as buttons. */
function replyMessage(reply: ChatReply): { text: string; blocks?: KnownBlock[] } {
  if (!reply.choices.length) return { text: reply.text };
  return {
    text: reply.text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(reply.text).slice(0, 3000) } },
      {
        type: 'actions',
        elements: reply.choices.slice(0, 25).map((c, i) => ({ type: 'button' as const, action_id: `relais_choice:${i}`, text: { type: 'plain_text' as const, text: c.label.slice(0, 75) }, value: c.id })),
      },
    ],
  };
}

/** The guarded actions' refusals are already written for people (French); anything else gets the generic answer. */
function userMessage(error: unknown): string {
  const written = userMessageOf(error);
  if (written !== null) return written;
  if (error instanceof DomainError) {
    if (error.code === 'TICKET_NOT_FOUND') return T.notFound;
    if (error.code.startsWith('TICKET_')) return T.forbidden;
  }
  return T.failed;
}
