import { Injectable, OnModuleInit } from '@nestjs/common';
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { DomainError } from '../../common/errors';
import { JsonLogger } from '../../common/logging/json-logger';
import { RoutingService } from '../../routing/routing.service';
import { isStaffFor, Person } from '../../tickets/ticket-access';
import { TicketCommands } from '../../tickets/ticket-commands.service';
import { TicketQueries } from '../../tickets/ticket-queries.service';
import { ACTIONS, reasonModal, replyModal, VIEWS } from './slack-cards';
import { SlackBolt } from './slack-bolt';
import { SlackFile, SlackFiles } from './slack-files';
import { SlackPeople } from './slack-people';
import { SLACK_TEXTS as T } from './slack-texts';
import { SlackTriageChannel } from './slack-triage.channel';

/** Internal notes written in a thread start with this (any case, spaces allowed before the colon). */
const NOTE_PREFIX = /^\s*note\s*:\s*/i;

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

interface Clicker {
  teamId: string;
  userId: string;
  channelId: string | null;
}

/**
 * What Slack users do on the cards and in their threads, turned into ticket
 * commands: every button acknowledges at once, then acts as the ENT person
 * the Slack user is linked to, whose rights Relais checks (never only Slack's).
 * Refusals are told to the clicker alone, in French.
 */
@Injectable()
export class SlackInteractions implements OnModuleInit {
  constructor(
    private readonly bolt: SlackBolt,
    private readonly people: SlackPeople,
    private readonly commands: TicketCommands,
    private readonly queries: TicketQueries,
    private readonly routing: RoutingService,
    private readonly cards: SlackTriageChannel,
    private readonly files: SlackFiles,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    const app = this.bolt.app;
    if (!app) return;
    app.action(ACTIONS.claim, (args) => this.onButton(args as ActionArgs, (ref, person) => this.commands.transition(ref, { action: 'claim' }, person)));
    app.action(ACTIONS.resolve, (args) => this.onButton(args as ActionArgs, (ref, person) => this.commands.transition(ref, { action: 'resolve' }, person)));
    app.action(ACTIONS.reply, (args) => this.onButton(args as ActionArgs, (ref, person, a) => this.openReply(ref, person, a)));
    app.action(ACTIONS.escalate, (args) => this.onButton(args as ActionArgs, (ref, person, a) => this.openReason('escalate', ref, person, a)));
    app.action(ACTIONS.forward, (args) => this.onButton(args as ActionArgs, (ref, person, a) => this.openReason('forward', ref, person, a)));
    app.action(ACTIONS.reassign, (args) => this.onReassign(args as ActionArgs));
    app.view(VIEWS.reply, (args) => this.onReplySubmitted(args as ViewArgs));
    app.view(VIEWS.escalate, (args) => this.onReasonSubmitted('escalate', args as ViewArgs));
    app.view(VIEWS.forward, (args) => this.onReasonSubmitted('forward', args as ViewArgs));
    app.event('message', (args) => this.onMessage(args.event as unknown as SlackMessage, args.body as { team_id?: string }));
  }

  private clickerOf(body: BlockAction | ViewSubmitAction): Clicker {
    const teamId = body.user.team_id ?? body.team?.id ?? '';
    const channelId = 'channel' in body && body.channel ? body.channel.id : null;
    return { teamId, userId: body.user.id, channelId };
  }

  /** The button's common path: acknowledge, find the person, run, tell a refusal privately. */
  private async onButton(args: ActionArgs, run: (reference: string, person: Person, args: ActionArgs) => Promise<unknown>): Promise<void> {
    await args.ack();
    const clicker = this.clickerOf(args.body);
    const action = args.action as { value?: string };
    const reference = action.value ?? '';
    await this.asPerson(clicker, args, (person) => run(reference, person, args));
  }

  private async asPerson(clicker: Clicker, args: { respond?: ActionArgs['respond'] }, run: (person: Person) => Promise<unknown>): Promise<void> {
    const person = await this.people.person(clicker.teamId, clicker.userId);
    if (!person) return this.tellPrivately(clicker, T.notLinked, args.respond);
    try {
      await run(person);
    } catch (error) {
      await this.tellPrivately(clicker, refusalText(error), args.respond);
      if (!(error instanceof DomainError)) throw error;
    }
  }

  /** An ephemeral message: in the channel when there is one, else through the response URL. */
  private async tellPrivately(clicker: Clicker, text: string, respond?: ActionArgs['respond']): Promise<void> {
    if (clicker.channelId) await this.bolt.client.chat.postEphemeral({ channel: clicker.channelId, user: clicker.userId, text });
    else if (respond) await respond({ response_type: 'ephemeral', text, replace_original: false });
  }

  private async openReply(reference: string, person: Person, args: ActionArgs): Promise<void> {
    await this.queries.get(reference, person);
    await this.bolt.client.views.open({ trigger_id: args.body.trigger_id, view: replyModal(reference) });
  }

  private async openReason(kind: 'escalate' | 'forward', reference: string, person: Person, args: ActionArgs): Promise<void> {
    const ticket = await this.queries.get(reference, person);
    const targets: { tier: string; label: string }[] = [];
    if (kind === 'escalate') {
      if (!isStaffFor(ticket, person)) throw new DomainError('TICKET_FORBIDDEN_ACTION', 'not staff');
      const next = ticket.tier ? this.routing.tierRule(ticket.tier).escalatesTo : undefined;
      if (!next) throw new DomainError('ESCALATION_REFUSED', T.noTierAbove);
      targets.push({ tier: next, label: this.routing.tierRule(next).label });
    } else if (!ticket.schoolStructureId || !person.scope.administeredStructureIds.includes(ticket.schoolStructureId)) {
      throw new DomainError('TICKET_FORBIDDEN_ACTION', 'not the school director or ENT admin');
    }
    await this.bolt.client.views.open({ trigger_id: args.body.trigger_id, view: reasonModal(kind, reference, targets) });
  }

  private async onReassign(args: ActionArgs): Promise<void> {
    await args.ack();
    const clicker = this.clickerOf(args.body);
    const action = args.action as { selected_user?: string };
    const actions = (args.body as unknown as { message?: { blocks?: { elements?: { value?: string }[] }[] } }).message;
    // The users picker carries no value: the ticket is the card's, read from its buttons.
    const reference = actions?.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.value)?.value ?? '';
    await this.asPerson(clicker, args, async (person) => {
      const assignee = action.selected_user ? await this.people.person(clicker.teamId, action.selected_user) : null;
      if (action.selected_user && !assignee) throw new DomainError('TICKET_FORBIDDEN_ACTION', T.assigneeNotLinked);
      await this.commands.reassign(reference, assignee, person);
    });
  }

  private async onReplySubmitted(args: ViewArgs): Promise<void> {
    const values = args.view.state.values;
    const text = values.text?.value?.value?.trim() ?? '';
    if (!text) return void (await args.ack({ response_action: 'errors', errors: { text: T.textRequired } }));
    await args.ack();
    const internal = (values.internal?.value?.selected_options ?? []).some((o) => o.value === 'internal');
    const clicker = this.clickerOf(args.body);
    await this.asPerson(clicker, {}, (person) =>
      this.commands.addMessage(args.view.private_metadata, { body: text, visibility: internal ? 'internal' : 'public', channel: 'slack' }, person),
    );
  }

  private async onReasonSubmitted(kind: 'escalate' | 'forward', args: ViewArgs): Promise<void> {
    const values = args.view.state.values;
    const reason = values.reason?.value?.value?.trim() ?? '';
    if (!reason) return void (await args.ack({ response_action: 'errors', errors: { reason: T.reasonRequired } }));
    await args.ack();
    const reference = args.view.private_metadata;
    const clicker = this.clickerOf(args.body);
    await this.asPerson(clicker, {}, (person) => (kind === 'escalate' ? this.commands.escalate(reference, reason, person) : this.commands.forward(reference, reason, person)));
  }

  /** A reply in a card's thread becomes a ticket message under the author's name; `note:` makes it internal. */
  private async onMessage(message: SlackMessage, body: { team_id?: string }): Promise<void> {
    // A message with files comes as the `file_share` subtype; other subtypes (edits, joins, bots) are not replies.
    if (message.subtype && message.subtype !== 'file_share') return;
    if (message.channel_type === 'im' || message.bot_id || !message.user || !message.thread_ts || message.thread_ts === message.ts) return;
    const card = await this.cards.cardAt(message.channel, message.thread_ts);
    if (!card) return;
    const teamId = message.team ?? body.team_id ?? '';
    const clicker = { teamId, userId: message.user, channelId: message.channel };
    const text = (message.text ?? '').trim();
    const internal = NOTE_PREFIX.test(text);
    const content = internal ? text.replace(NOTE_PREFIX, '').trim() : text;
    const files = message.files ?? [];
    if (!content && !files.length) return;
    await this.asPerson(clicker, {}, async (person) => {
      const [ticket] = await this.queries.byIds([card.ticketId]);
      if (!ticket) return;
      // The files are the ticket's own copies: they stay when Slack deletes its own.
      const { attachments, refused } = await this.files.stage(files);
      if (refused.length) await this.tellPrivately(clicker, T.filesRefused(refused));
      if (!content && !attachments.length) return;
      const visibility = internal ? 'internal' : 'public';
      const added = await this.commands.addMessage(ticket.reference, { body: content || T.filesOnly, visibility, channel: 'slack', attachments }, person);
      // Already in this thread: never posted back into it.
      await this.cards.remember(added.result.id, message.channel, message.ts);
    });
  }
}

export interface SlackMessage {
  type: 'message';
  subtype?: string;
  bot_id?: string;
  user?: string;
  team?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
  files?: SlackFile[];
}

/** A refusal as the clicker reads it. */
function refusalText(error: unknown): string {
  if (!(error instanceof DomainError)) return T.failed;
  switch (error.code) {
    case 'TICKET_FORBIDDEN_ACTION':
      return error.message === T.assigneeNotLinked ? T.assigneeNotLinked : T.forbidden;
    case 'TICKET_ILLEGAL_TRANSITION':
      return T.illegalTransition;
    case 'ESCALATION_REFUSED':
      return error.message === T.noTierAbove ? T.noTierAbove : T.escalationRefused('le ticket est déjà au dernier niveau, ou une escalade est en cours.');
    case 'TICKET_CHANGED':
      return T.changed;
    case 'TICKET_NOT_FOUND':
      return T.notFound;
    default:
      return T.failed;
  }
}
