import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountActionsService, Preview } from '../admin-actions/account-actions.service';
import { ChatChannel, ChatIdentity, identityKey } from '../admin-actions/actor';
import { LinkingService } from '../admin-actions/linking/linking.service';
import { Clock } from '../common/clock';
import { DomainError, userMessageOf } from '../common/errors';
import { MessageContext } from '../common/message-catalogue';
import { OneAtATimeByKey } from '../common/one-at-a-time-by-key';
import { DirectoryService } from '../directory/directory.service';
import { PROFILES, Profile } from '../directory/profiles';
import { AssistService } from '../kb/assist.service';
import { OTHER_INTENT } from '../routing/intents';
import { routeFor } from '../routing/route-table';
import { RoutingService } from '../routing/routing.service';
import { Person } from '../tickets/ticket-access';
import { TicketCommands } from '../tickets/ticket-commands.service';
import { TicketCreation } from '../tickets/ticket-creation.service';
import { TicketQueries } from '../tickets/ticket-queries.service';
import { statusFromCode } from '../tickets/ticket-status';
import { TicketViewers } from '../tickets/ticket-viewers.service';
import { SourceChannel, TicketEntity } from '../tickets/ticket.entity';
import { ChatOutlets, ChatReply } from './chat-outlets';
import { maskSecrets } from '../common/secret-masking';
import { ChatChoice, ConversationAuthor, ConversationEntity, ConversationMessageEntity } from './conversation.entity';
import { ConversationState, DraftField, IDLE, Question, readState, TicketDraft } from './conversation-state';
import { ConversationMessageKey, ConversationTexts } from './conversation-texts';
import { readIncoming } from './incoming-text';

/** One thing a person did in a conversation: wrote a message, or pressed one of the buttons offered. */
export interface Turn {
  channel: ChatChannel;
  /** The channel's own id of the conversation (a web chat session, a DM channel). */
  conversation: string;
  /** Who writes, as the channel verified them; a linked identity is their ENT account. */
  identity: ChatIdentity;
  text?: string;
  choice?: string;
  /** The person asks outright for a ticket about `text` (a chat's ticket command): no answer is tried first. */
  ticket?: boolean;
}

/** Who is writing: a person whose chat identity is linked to their ENT account, or a visitor. */
interface Speaker {
  /** The ENT user id, or for a visitor an id made from their chat identity. */
  entUserId: string;
  linked: boolean;
  profile: Profile | null;
  schoolStructureId: string | null;
  displayName: string | null;
  login: string | null;
}

/** What a turn says back, before it is stored and sent. */
interface Said {
  text: string;
  choices?: ChatChoice[];
  answer?: { intent: string } | null;
  ticket?: ChatReply['ticket'];
  /** Holds a secret: sent once, never kept in the transcript. */
  secret?: boolean;
}

/** Where a turn leaves the conversation: what was said, and what it now waits for. */
interface Outcome {
  said: Said[];
  state: ConversationState;
}

type TranscriptRow = Omit<ConversationMessageEntity, 'seq' | 'conversationId' | 'createdAt'>;

const SOURCE_CHANNEL: Record<ChatChannel, SourceChannel> = { webchat: 'web', discord: 'discord', slack: 'slack' };
const OPEN_STATUSES = ['new', 'opened', 'waiting_for_user'];
const LOGIN_PATTERN = /^[\w.@-]{2,128}$/;
/** A password reset through the ENT is offered for these questions. */
const RESET_INTENTS = ['login.forgot_password'];

/**
 * The conversation engine, one for every chat channel (web chat, Discord,
 * Slack direct messages, the terminal): it understands a message with the
 * knowledge base, answers for the person's profile and school, asks whether it
 * helped, collects what a ticket needs and creates it, relays what staff say
 * back into the conversation, and starts a password reset through the guarded
 * account actions. Channels only translate to and from `Turn` and `ChatReply`.
 * Its state is in the database: a restart or another replica goes on where
 * the conversation was. One turn at a time per conversation in a process.
 */
@Injectable()
export class ConversationEngine {
  private readonly turns = new OneAtATimeByKey();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly assist: AssistService,
    private readonly routing: RoutingService,
    private readonly directory: DirectoryService,
    private readonly creation: TicketCreation,
    private readonly commands: TicketCommands,
    private readonly queries: TicketQueries,
    private readonly viewers: TicketViewers,
    private readonly linking: LinkingService,
    private readonly accounts: AccountActionsService,
    private readonly texts: ConversationTexts,
    private readonly outlets: ChatOutlets,
    private readonly clock: Clock,
  ) {}

  handle(turn: Turn): Promise<ChatReply[]> {
    return this.turns.run(`${turn.channel}:${turn.conversation}`, () => this.play(turn));
  }

  /** What Relais says in a conversation of its own accord (a staff answer, a status change): kept, and sent if the channel is here. */
  async relay(conversationId: string, said: Said, author: ConversationAuthor): Promise<ChatReply | null> {
    const conversation = await this.repo().findOneBy({ id: conversationId });
    if (!conversation) return null;
    const [reply] = await this.store(conversation, [said], author);
    await this.outlets.push(reply);
    return reply;
  }

  /**
   * Says something to a person in their private conversation on a channel
   * (an approval to decide, the outcome of their request), with buttons that
   * stay on offer beside whatever the conversation was waiting for.
   */
  async tellPrivately(identity: ChatIdentity, said: Said): Promise<ChatReply | null> {
    const externalId = await this.outlets.openPrivate(identity);
    if (!externalId) return null;
    const conversation = await this.conversationOf({ channel: identity.channel, conversation: externalId, identity });
    if (said.choices?.length) {
      const offered = [...said.choices, ...conversation.offered.filter((o) => !said.choices!.some((c) => c.id === o.id))];
      await this.repo().update({ id: conversation.id }, { offered });
    }
    const [reply] = await this.store(conversation, [said], 'relais');
    await this.outlets.push(reply);
    return reply;
  }

  /** What was said in a conversation, oldest first (a channel that reconnects shows it again). */
  async transcript(channel: ChatChannel, externalId: string): Promise<(ConversationMessageEntity & { offered: boolean })[]> {
    const conversation = await this.repo().findOneBy({ channel, externalId });
    if (!conversation) return [];
    const messages = await this.db.getRepository(ConversationMessageEntity).find({ where: { conversationId: conversation.id }, order: { seq: 'ASC' } });
    // Only the last reply's buttons are still on offer.
    const last = [...messages].reverse().find((m) => m.author !== 'person');
    return messages.map((m) => ({ ...m, offered: m === last && m.choices.length > 0 }));
  }

  // ---- one turn ---------------------------------------------------------------

  private async play(turn: Turn): Promise<ChatReply[]> {
    const conversation = await this.conversationOf(turn);
    const speaker = await this.speakerOf(turn.identity, conversation);
    const state = readState(conversation.state);
    const offered = conversation.offered;
    const words = this.personsWords(conversation, turn);
    const outcome =
      turn.choice !== undefined
        ? await this.onChoice(conversation, speaker, state, offered, turn.choice)
        : turn.ticket
          ? await this.onTicketRequest(conversation, speaker, state, offered, turn.text ?? '')
          : await this.onText(conversation, speaker, state, offered, turn.text ?? '');
    const { id, ...changed } = conversation;
    await this.repo().update({ id }, { ...changed, state: maskedState(outcome.state), offered: outcome.said.at(-1)?.choices ?? [], updatedAt: this.clock.now() });
    return this.store(conversation, outcome.said, 'relais', words);
  }

  private async onText(c: ConversationEntity, who: Speaker, state: ConversationState, offered: ChatChoice[], raw: string): Promise<Outcome> {
    const incoming = readIncoming(raw);
    if (incoming.kind !== 'text') {
      // Garbage changes nothing: the same question stays asked, the same buttons offered.
      return { said: [{ text: this.say(`garbage.${incoming.kind}`, who), choices: offered }], state };
    }
    const text = incoming.text;
    switch (state.kind) {
      case 'collecting':
        return this.onField(c, who, state.draft, state.field, text);
      case 'reset_login':
        return this.onResetLogin(c, who, state.profile, text);
      default: {
        const open = await this.openTicket(c, who);
        if (open) {
          return {
            said: [{ text: this.say('ticket.add_offer', who, { reference: open.reference }), choices: this.choices(who, ['ticket:add', 'question:new']) }],
            state: { kind: 'adding', text, reference: open.reference },
          };
        }
        return this.ask(c, who, text);
      }
    }
  }

  /** A ticket asked for outright: understood (for its routing), then collected or created as if offered. */
  private async onTicketRequest(c: ConversationEntity, who: Speaker, state: ConversationState, offered: ChatChoice[], raw: string): Promise<Outcome> {
    const incoming = readIncoming(raw);
    if (incoming.kind !== 'text') return { said: [{ text: this.say(`garbage.${incoming.kind}`, who), choices: offered }], state };
    const result = await this.assist.assist({ text: incoming.text, profile: who.profile, schoolId: who.schoolStructureId ?? undefined });
    return this.startTicket(c, who, questionOf(incoming.text, result));
  }

  private async onChoice(c: ConversationEntity, who: Speaker, state: ConversationState, offered: ChatChoice[], choice: string): Promise<Outcome> {
    if (!offered.some((o) => o.id === choice)) {
      // A stale button (the conversation moved on, a click after a restart): a polite word, and what is on offer now.
      return { said: [{ text: this.say('choice.stale', who, { offered: offered.length > 0 }), choices: offered }], state };
    }
    const [kind, value] = splitChoice(choice);
    switch (kind) {
      case 'helped':
      case 'not_helped': {
        if (state.kind !== 'answered') break;
        await this.assist.feedback(state.answerId, kind === 'helped').catch(() => false);
        if (kind === 'helped') return { said: [{ text: this.say('helped', who), choices: await this.ticketChoices(c, who) }], state: IDLE };
        return this.offerTicket(who, state.question, 'offer_ticket.not_helped');
      }
      case 'ticket':
        if (value === 'create' && state.kind === 'offering_ticket') return this.startTicket(c, who, state.question);
        if (value === 'cancel') return { said: [{ text: this.say('ticket.cancelled', who) }], state: IDLE };
        if (value === 'add' && state.kind === 'adding') return this.addToTicket(c, who, state.reference, state.text);
        if (value === 'status') return this.ticketStatus(c, who);
        if (value === 'close') return this.closeTicket(c, who);
        break;
      case 'question':
        if (state.kind === 'adding') return this.ask(c, who, state.text);
        break;
      case 'profile': {
        const profile = PROFILES.find((p) => p === value);
        if (!profile) break;
        if (state.kind === 'asking_profile') {
          c.profile = profile;
          return this.ask(c, { ...who, profile }, state.text);
        }
        if (state.kind === 'collecting') return this.nextField(c, who, { ...state.draft, profile });
        break;
      }
      case 'school':
        if (state.kind === 'collecting' && value) return this.nextField(c, who, { ...state.draft, schoolStructureId: value });
        if (state.kind === 'reset_login' && value) {
          c.schoolStructureId = value;
          return this.askResetLogin(c, who, state.profile);
        }
        break;
      case 'skip':
        if (state.kind === 'collecting') return this.nextField(c, who, { ...state.draft, login: '' });
        break;
      case 'approval':
        if (value) return this.decideApproval(c, who, value);
        break;
      case 'reset':
        if (value === 'start') return this.startReset(c, who);
        if (value === 'cancel') return { said: [{ text: this.say('reset.cancelled', who) }], state: IDLE };
        if (state.kind === 'resetting') return this.confirmReset(c, who, state.confirmation, value === 'mail' || value === 'mobile' ? value : null);
        break;
    }
    return { said: [{ text: this.say('choice.stale', who, { offered: false }) }], state: IDLE };
  }

  // ---- answering --------------------------------------------------------------

  /** Understands the question; answers it for the person's profile and school, asks who they are when it matters, or offers a ticket. */
  private async ask(c: ConversationEntity, who: Speaker, text: string): Promise<Outcome> {
    const result = await this.assist.assist({ text, profile: who.profile, schoolId: who.schoolStructureId ?? undefined });
    const question = questionOf(text, result);
    if (!result.answer || result.intent === OTHER_INTENT) return this.offerTicket(who, question, 'offer_ticket.no_answer', result.account.route);
    const reader = who.profile ?? result.detectedProfile;
    if (!reader) {
      return {
        said: [{ text: this.say('ask_profile', who), choices: this.profileChoices(who) }],
        state: { kind: 'asking_profile', text },
      };
    }
    // A visitor who said who they are ("je suis en CM2") is taken at their word from now on.
    if (!who.profile && !who.linked) c.profile = reader;
    const readerWho = { ...who, profile: reader };
    const choices = ['helped', 'not_helped', ...(this.mayReset(readerWho, question) ? ['reset:start'] : [])];
    return {
      said: [{ text: `${result.answer.text}\n\n${this.say('did_it_help', readerWho)}`, choices: this.choices(readerWho, choices), answer: { intent: result.intent } }],
      state: { kind: 'answered', answerId: result.answerId, question },
    };
  }

  private offerTicket(who: Speaker, question: Question, key: ConversationMessageKey, tier?: string): Outcome {
    const route = tier ?? this.routeOf(who, question);
    return {
      said: [{ text: this.say(key, who, { contact: this.label(route) }), choices: this.choices(who, ['ticket:create', 'ticket:cancel']) }],
      state: { kind: 'offering_ticket', question },
    };
  }

  // ---- tickets ----------------------------------------------------------------

  private async startTicket(c: ConversationEntity, who: Speaker, question: Question): Promise<Outcome> {
    if (who.linked) return this.createTicket(c, who, { question, profile: who.profile, schoolStructureId: who.schoolStructureId, name: who.displayName, login: who.login });
    return this.nextField(c, who, { question, profile: c.profile as Profile | null, schoolStructureId: c.schoolStructureId, name: c.displayName, login: null });
  }

  /** Asks for the first thing the ticket still lacks, or creates it. */
  private async nextField(c: ConversationEntity, who: Speaker, draft: TicketDraft): Promise<Outcome> {
    const asker = { ...who, profile: draft.profile ?? who.profile };
    const field: DraftField | null = !draft.profile ? 'profile' : !draft.schoolStructureId ? 'school' : !draft.name ? 'name' : draft.login === null ? 'login' : null;
    if (!field) return this.createTicket(c, asker, draft);
    const said: Said =
      field === 'profile'
        ? { text: this.say('collect.profile', asker), choices: this.profileChoices(asker) }
        : field === 'login'
          ? { text: this.say('collect.login', asker), choices: this.choices(asker, ['skip']) }
          : { text: this.say(`collect.${field}`, asker) };
    return { said: [said], state: { kind: 'collecting', field, draft } };
  }

  private async onField(c: ConversationEntity, who: Speaker, draft: TicketDraft, field: DraftField, text: string): Promise<Outcome> {
    const asker = { ...who, profile: draft.profile ?? who.profile };
    const again = (key: ConversationMessageKey, choices: string[] = []): Outcome => ({
      said: [{ text: this.say(key, asker), choices: this.choices(asker, choices) }],
      state: { kind: 'collecting', field, draft },
    });
    switch (field) {
      case 'profile':
        return { said: [{ text: this.say('collect.profile', asker), choices: this.profileChoices(asker) }], state: { kind: 'collecting', field, draft } };
      case 'school': {
        const schools = await this.directory.searchSchools(text);
        if (schools.length === 0) return again('collect.school_unknown');
        if (schools.length > 1) {
          return {
            said: [{ text: this.say('collect.school_choose', asker), choices: schools.map((s) => ({ id: `school:${s.structureId}`, label: s.name })) }],
            state: { kind: 'collecting', field, draft },
          };
        }
        return this.nextField(c, who, { ...draft, schoolStructureId: schools[0].structureId });
      }
      case 'name': {
        const name = text.trim();
        if (name.length < 2 || name.length > 100 || !/\p{L}/u.test(name)) return again('collect.name_invalid');
        c.displayName = name;
        return this.nextField(c, who, { ...draft, name });
      }
      case 'login':
        if (!LOGIN_PATTERN.test(text.trim())) return again('collect.login_invalid', ['skip']);
        return this.nextField(c, who, { ...draft, login: text.trim() });
    }
  }

  private async createTicket(c: ConversationEntity, who: Speaker, draft: TicketDraft): Promise<Outcome> {
    const request = {
      subject: subjectOf(draft.question.text),
      description: draft.question.text,
      channel: SOURCE_CHANNEL[c.channel],
      priority: 'mineur' as const,
      requester: {
        entUserId: who.entUserId,
        displayName: draft.name ?? who.displayName ?? who.entUserId,
        ...(draft.profile ? { profile: draft.profile } : {}),
        ...(draft.login ? { login: draft.login } : {}),
      },
      school: draft.schoolStructureId ? { structureId: draft.schoolStructureId } : undefined,
      // Routed for the account the question is about: someone else's when it said so, else the requester's own.
      understood: { intent: draft.question.intent, category: draft.question.category, accountProfile: draft.question.accountProfile ?? draft.profile },
      conversation: c.id,
    };
    // A linked person asks as themselves, under the rules every channel follows; a visitor is their own requester.
    const { ticket } = await this.creation.create(request, who.linked ? { as: await this.viewers.person(who.entUserId) } : {});
    c.profile ??= draft.profile;
    c.schoolStructureId ??= draft.schoolStructureId;
    c.ticketReference = ticket.reference;
    const reader = { ...who, profile: draft.profile ?? who.profile };
    const label = this.label(ticket.tier);
    return {
      said: [
        {
          text: this.say('ticket.created', reader, {
            reference: ticket.reference,
            Contact: label.charAt(0).toUpperCase() + label.slice(1),
            redirect: ticket.tier ? this.routing.rules.tiers[ticket.tier]?.redirect : undefined,
          }),
          choices: OPEN_STATUSES.includes(statusFromCode(ticket.status)) ? this.choices(reader, ['ticket:status', 'ticket:close']) : [],
          ticket: ticketView(ticket),
        },
      ],
      state: IDLE,
    };
  }

  private async openTicket(c: ConversationEntity, who: Speaker): Promise<TicketEntity | null> {
    if (!c.ticketReference) return null;
    const ticket = await this.queries.get(c.ticketReference, await this.requester(who)).catch(() => null);
    return ticket && OPEN_STATUSES.includes(statusFromCode(ticket.status)) ? ticket : null;
  }

  private async ticketChoices(c: ConversationEntity, who: Speaker): Promise<ChatChoice[]> {
    return (await this.openTicket(c, who)) ? this.choices(who, ['ticket:status', 'ticket:close']) : [];
  }

  private async addToTicket(c: ConversationEntity, who: Speaker, reference: string, text: string): Promise<Outcome> {
    await this.commands.addMessage(reference, { body: text, visibility: 'public', channel: SOURCE_CHANNEL[c.channel] }, await this.requester(who));
    return { said: [{ text: this.say('ticket.added', who, { reference }), choices: await this.ticketChoices(c, who) }], state: IDLE };
  }

  private async ticketStatus(c: ConversationEntity, who: Speaker): Promise<Outcome> {
    const ticket = c.ticketReference ? await this.queries.get(c.ticketReference, await this.requester(who)).catch(() => null) : null;
    if (!ticket) return { said: [{ text: this.say('ticket.none', who) }], state: IDLE };
    const status = statusFromCode(ticket.status);
    return {
      said: [{ text: this.say('ticket.status', who, { reference: ticket.reference, status, assignee: ticket.assigneeName }), choices: await this.ticketChoices(c, who), ticket: ticketView(ticket) }],
      state: IDLE,
    };
  }

  private async closeTicket(c: ConversationEntity, who: Speaker): Promise<Outcome> {
    const ticket = await this.openTicket(c, who);
    if (!ticket) {
      const key = c.ticketReference ? 'ticket.already_closed' : 'ticket.none';
      return { said: [{ text: this.say(key, who, { reference: c.ticketReference }) }], state: IDLE };
    }
    const { ticket: closed } = await this.commands.transition(ticket.reference, { action: 'close' }, await this.requester(who));
    return { said: [{ text: this.say('ticket.closed', who, { reference: closed.reference }), ticket: ticketView(closed) }], state: IDLE };
  }

  /** The person as the requester of their own tickets (a visitor too: they are the requester). */
  private requester(who: Speaker): Promise<Person> {
    return this.viewers.person(who.entUserId);
  }

  // ---- password reset through the ENT -------------------------------------------

  private mayReset(who: Speaker, question: Question): boolean {
    if (!RESET_INTENTS.includes(question.intent) || question.accountProfile) return false;
    // Offered to those whose password the ENT holds; staff and parents are shown their own path by the answer itself.
    return who.profile === 'Student' || who.profile === 'Guest';
  }

  private async startReset(c: ConversationEntity, who: Speaker): Promise<Outcome> {
    if (who.linked) return this.previewReset(c, who, { action: 'self_reset' });
    if (!c.schoolStructureId) return { said: [{ text: this.say('collect.school', who) }], state: { kind: 'reset_login', profile: who.profile } };
    return this.askResetLogin(c, who, who.profile);
  }

  private askResetLogin(c: ConversationEntity, who: Speaker, profile: Profile | null): Outcome {
    return { said: [{ text: this.say('reset.login', { ...who, profile: profile ?? who.profile }) }], state: { kind: 'reset_login', profile } };
  }

  /** A visitor's reset: their school first (when unknown), then their login; the request goes to a teacher or the ENT admin. */
  private async onResetLogin(c: ConversationEntity, who: Speaker, profile: Profile | null, text: string): Promise<Outcome> {
    if (!c.schoolStructureId) {
      const schools = await this.directory.searchSchools(text);
      if (schools.length === 0) return { said: [{ text: this.say('collect.school_unknown', who) }], state: { kind: 'reset_login', profile } };
      if (schools.length > 1) {
        return {
          said: [{ text: this.say('collect.school_choose', who), choices: schools.map((s) => ({ id: `school:${s.structureId}`, label: s.name })) }],
          state: { kind: 'reset_login', profile },
        };
      }
      c.schoolStructureId = schools[0].structureId;
      return this.askResetLogin(c, who, profile);
    }
    const login = text.trim();
    if (!LOGIN_PATTERN.test(login)) return { said: [{ text: this.say('collect.login_invalid', who) }], state: { kind: 'reset_login', profile } };
    return this.previewReset(c, who, { action: 'self_reset', login, structureId: c.schoolStructureId, profile });
  }

  private async previewReset(c: ConversationEntity, who: Speaker, request: Parameters<AccountActionsService['preview']>[1]): Promise<Outcome> {
    let preview: Preview;
    try {
      preview = await this.accounts.preview({ kind: 'chat', identity: identityOf(c) }, request);
    } catch (error) {
      return { said: [{ text: userMessage(error) }], state: IDLE };
    }
    if (preview.kind === 'choose') return { said: [{ text: preview.text }], state: IDLE };
    const choices =
      preview.action === 'self_reset'
        ? [
            ...preview.channels.map((ch) => ({ id: `reset:${ch.service}`, label: this.texts.render(ch.service === 'mail' ? 'label.reset_mail' : 'label.reset_mobile', { masked: ch.masked }) })),
            ...this.choices(who, ['reset:cancel']),
          ]
        : this.choices(who, ['reset:confirm', 'reset:cancel']);
    return { said: [{ text: preview.text, choices }], state: { kind: 'resetting', confirmation: preview.confirmation.token } };
  }

  private async confirmReset(c: ConversationEntity, who: Speaker, confirmation: string, service: 'mail' | 'mobile' | null): Promise<Outcome> {
    try {
      const result = await this.accounts.confirm({ kind: 'chat', identity: identityOf(c) }, confirmation, { service });
      // A self-service reset sends its code to the channel on file; a code never travels through a conversation.
      if (result.renewalCode) throw new Error('a renewal code reached the conversation engine');
      return { said: [{ text: result.text }], state: IDLE };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { said: [{ text: userMessage(error) }], state: IDLE };
    }
  }

  /** An approver's answer to a request (`approve:<id>` or `refuse:<id>`): the code, if any, to the approver alone, here. */
  private async decideApproval(c: ConversationEntity, who: Speaker, value: string): Promise<Outcome> {
    const [decision, approvalId] = splitChoice(value);
    const ref = { kind: 'chat' as const, identity: identityOf(c) };
    try {
      if (decision === 'refuse') return { said: [{ text: (await this.accounts.refuseApproval(ref, approvalId ?? '')).text }], state: readState(c.state) };
      const preview = await this.accounts.preview(ref, { action: 'approve', approvalId: approvalId ?? '' });
      if (preview.kind !== 'confirm') return { said: [{ text: preview.text }], state: readState(c.state) };
      const result = await this.accounts.confirm(ref, preview.confirmation.token);
      return { said: [{ text: result.text, secret: result.renewalCode !== undefined }], state: readState(c.state) };
    } catch (error) {
      return { said: [{ text: userMessage(error) }], state: readState(c.state) };
    }
  }

  // ---- who, and how to say it ---------------------------------------------------

  private async conversationOf(turn: Pick<Turn, 'channel' | 'conversation' | 'identity'>): Promise<ConversationEntity> {
    const found = await this.repo().findOneBy({ channel: turn.channel, externalId: turn.conversation });
    if (found) return found;
    const now = this.clock.now();
    const created: ConversationEntity = {
      id: randomUUID(),
      channel: turn.channel,
      externalId: turn.conversation,
      identityId: turn.identity.externalId,
      state: IDLE,
      offered: [],
      profile: null,
      schoolStructureId: null,
      displayName: turn.identity.displayName ?? null,
      ticketReference: null,
      createdAt: now,
      updatedAt: now,
    };
    // Two first messages at once (two replicas): the loser reads the winner's row.
    await this.repo().createQueryBuilder().insert().into(ConversationEntity).values(created).orIgnore().execute();
    return this.repo().findOneByOrFail({ channel: turn.channel, externalId: turn.conversation });
  }

  private async speakerOf(identity: ChatIdentity, c: ConversationEntity): Promise<Speaker> {
    const person = await this.linking.linkedPerson(identity);
    if (person) {
      return {
        entUserId: person.entUserId,
        linked: true,
        profile: person.profile,
        schoolStructureId: person.structureIds[0] ?? null,
        displayName: person.displayName,
        login: person.login,
      };
    }
    return {
      entUserId: identityKey(identity),
      linked: false,
      profile: (c.profile as Profile | null) ?? null,
      schoolStructureId: c.schoolStructureId,
      displayName: c.displayName,
      login: null,
    };
  }

  /** What the person said, as the transcript keeps it: the label of the button they pressed, or the words they wrote. */
  private personsWords(c: ConversationEntity, turn: Turn): TranscriptRow[] {
    const label = turn.choice !== undefined ? c.offered.find((o) => o.id === turn.choice)?.label ?? turn.choice : readIncoming(turn.text ?? '');
    const text = typeof label === 'string' ? label : label.kind === 'text' ? label.text : '';
    return text ? [{ author: 'person', text, choices: [], answerIntent: null, ticket: null }] : [];
  }

  /** Keeps what was said (the person's words first, then Relais's), in one statement. */
  private async store(c: ConversationEntity, said: Said[], author: ConversationAuthor, before: TranscriptRow[] = []): Promise<ChatReply[]> {
    const replies: ChatReply[] = said.map((s) => ({
      conversationId: c.id,
      channel: c.channel,
      externalId: c.externalId,
      text: s.text,
      choices: s.choices ?? [],
      answer: s.answer ?? null,
      ticket: s.ticket ?? null,
    }));
    await this.insertMessages(c, [
      ...before,
      // A secret is sent once and not kept: the transcript says where it was.
      ...replies.map((r, i) => ({ author, text: said[i].secret ? this.texts.render('secret.kept_out') : r.text, choices: r.choices, answerIntent: r.answer?.intent ?? null, ticket: r.ticket })),
    ]);
    return replies.map((r, i) => (said[i].secret ? { ...r, secret: true } : r));
  }

  private async insertMessages(c: ConversationEntity, rows: TranscriptRow[]): Promise<void> {
    if (!rows.length) return;
    const now = this.clock.now();
    await this.db.getRepository(ConversationMessageEntity).insert(rows.map((r) => ({ ...r, text: maskSecrets(r.text), conversationId: c.id, createdAt: now })));
  }

  private say(key: ConversationMessageKey, who: Pick<Speaker, 'profile'>, context: MessageContext = {}): string {
    return this.texts.render(key, { tu: who.profile === 'Student', ...context });
  }

  private choices(who: Pick<Speaker, 'profile'>, ids: string[]): ChatChoice[] {
    const key: Record<string, ConversationMessageKey> = {
      helped: 'label.helped',
      not_helped: 'label.not_helped',
      'ticket:create': 'label.ticket_create',
      'ticket:cancel': 'label.ticket_cancel',
      'ticket:status': 'label.ticket_status',
      'ticket:close': 'label.ticket_close',
      'ticket:add': 'label.ticket_add',
      'question:new': 'label.question_new',
      'reset:start': 'label.reset_start',
      'reset:confirm': 'label.reset_confirm',
      'reset:cancel': 'label.reset_cancel',
      skip: 'label.skip',
      approve: 'label.approve',
      refuse: 'label.refuse',
    };
    return ids.map((id) => ({ id, label: this.say(key[id], who) }));
  }

  /** The buttons of an approval notice, bound to that request. */
  approvalChoices(approvalId: string): ChatChoice[] {
    return [
      { id: `approval:approve:${approvalId}`, label: this.texts.render('label.approve') },
      { id: `approval:refuse:${approvalId}`, label: this.texts.render('label.refuse') },
    ];
  }

  private profileChoices(who: Pick<Speaker, 'profile'>): ChatChoice[] {
    return PROFILES.map((p) => ({ id: `profile:${p}`, label: this.say(`label.profile.${p}`, who) }));
  }

  /** Where a ticket about this question would go, for the account it is about. */
  private routeOf(who: Speaker, question: Question): string {
    const profile = question.accountProfile ?? who.profile;
    return routeFor(question.intent, profile);
  }

  private label(tier: string | null | undefined): string {
    return (tier && this.routing.rules.tiers[tier]?.label) || this.routing.rules.tiers[routeFor(OTHER_INTENT, null)].label;
  }

  private repo() {
    return this.db.getRepository(ConversationEntity);
  }
}

/** A question as the knowledge base understood it, kept while the conversation is about it. */
function questionOf(text: string, result: Awaited<ReturnType<AssistService['assist']>>): Question {
  return { text, intent: result.intent, category: result.category, accountProfile: result.account.ownAccount ? null : result.account.profile };
}

function splitChoice(choice: string): [string, string | undefined] {
  const at = choice.indexOf(':');
  return at === -1 ? [choice, undefined] : [choice.slice(0, at), choice.slice(at + 1)];
}

/** The conversation's chat identity (the web chat session, the Discord or Slack user). */
function identityOf(c: ConversationEntity): ChatIdentity {
  return { channel: c.channel, externalId: c.identityId, displayName: c.displayName };
}

function ticketView(ticket: TicketEntity): NonNullable<ChatReply['ticket']> {
  return { reference: ticket.reference, tier: ticket.tier, status: statusFromCode(ticket.status) };
}

/** A ticket's subject: the first sentence of the question, at most 120 characters. */
function subjectOf(text: string): string {
  const first = text.split(/(?<=[.!?])\s/)[0];
  return first.length <= 120 ? first : `${first.slice(0, 117)}…`;
}

function userMessage(error: unknown): string {
  const message = userMessageOf(error);
  if (message === null) throw error;
  return message;
}

/** The state keeps the person's words (a question, a message to add) until the next turn: stored masked like the transcript. */
function maskedState(state: ConversationState): ConversationState {
  const question = <Q extends { text: string }>(q: Q): Q => ({ ...q, text: maskSecrets(q.text) });
  switch (state.kind) {
    case 'asking_profile':
    case 'adding':
      return { ...state, text: maskSecrets(state.text) };
    case 'answered':
    case 'offering_ticket':
      return { ...state, question: question(state.question) };
    case 'collecting':
      return { ...state, draft: { ...state.draft, question: question(state.draft.question) } };
    default:
      return state;
  }
}
