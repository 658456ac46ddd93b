import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  ButtonInteraction,
  ChatInputCommandInteraction,
  ComponentType,
  Events,
  Interaction,
  Message,
  MessageFlags,
  ModalSubmitInteraction,
  Routes,
  TextInputStyle,
  User,
} from 'discord.js';
import { ChatIdentity } from '../../admin-actions/actor';
import { LinkingService } from '../../admin-actions/linking/linking.service';
import { Clock } from '../../common/clock';
import { JsonLogger } from '../../common/logging/json-logger';
import { ChatOutlets, ChatReply } from '../../conversations/chat-outlets';
import { ConversationEngine, Turn } from '../../conversations/conversation-engine.service';
import { COMMANDS, commandDefinitions, TICKET_DETAILS, TICKET_MODAL } from './discord-commands';
import { DiscordClient } from './discord-client';
import { discordMessages } from './discord-replies';
import { DiscordStaffChannel } from './discord-staff.channel';
import { DiscordTexts } from './discord-texts';

const LOGIN_RETRY_BASE_MS = 1_000;
const LOGIN_RETRY_MAX_MS = 60_000;
const ACK_WITHIN_MS = 2_000;

type Replying = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/**
 * The Discord adapter of the conversation engine. A person's conversation is
 * theirs wherever they write: slash commands in a server (answered
 * ephemerally: only they see it), buttons, the ticket modal and direct
 * messages all go to the one conversation keyed by their Discord user id, and
 * what nobody asked for at that moment (a staff answer, an approval to
 * decide) arrives by direct message. It only translates: the engine decides.
 */
@Injectable()
export class DiscordBot implements OnApplicationBootstrap, OnApplicationShutdown {
  private unregister: (() => void) | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly discord: DiscordClient,
    private readonly engine: ConversationEngine,
    private readonly outlets: ChatOutlets,
    private readonly linking: LinkingService,
    private readonly texts: DiscordTexts,
    private readonly staff: DiscordStaffChannel,
    private readonly logger: JsonLogger,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const client = this.discord.client;
    if (!client) return;
    this.unregister = this.outlets.register('discord', (reply) => this.deliverPrivately(reply));
    // The private conversation with a person is their conversation: it is keyed by their user id.
    this.outlets.registerOpener('discord', async (identity) => identity.externalId);
    client.on(Events.ClientReady, () => void this.onReady());
    client.on(Events.InteractionCreate, (interaction) => void this.onInteraction(interaction));
    client.on(Events.MessageCreate, (message) => void this.onDirectMessage(message));
    client.on(Events.Error, (error) => this.logger.event('error', 'discord.error', { error: error.message }, 'DiscordBot'));
    // Not awaited: the service starts even when Discord cannot be reached, and keeps trying.
    void this.connect(1);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.unregister?.();
  }

  /** Logs in to the gateway; a failure (Discord unreachable, a connection reset) is tried again, waiting longer each time. */
  private async connect(attempt: number): Promise<void> {
    try {
      await this.discord.login();
    } catch (error) {
      if (this.stopped) return;
      const delayMs = Math.min(LOGIN_RETRY_MAX_MS, LOGIN_RETRY_BASE_MS * 2 ** (attempt - 1));
      this.logger.event('error', 'discord.login_failed', { attempt, retryInMs: delayMs, error: describe(error) }, 'DiscordBot');
      this.retry = setTimeout(() => void this.connect(attempt + 1), delayMs);
    }
  }

  /** Registers the commands (one bulk overwrite, so removed ones disappear) and reads the staff channels. */
  private async onReady(): Promise<void> {
    const { applicationId, guildId } = this.discord.settings!;
    try {
      const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
      await this.discord.client!.rest.put(route, { body: commandDefinitions(this.texts) });
      this.logger.event('info', 'discord.ready', { commands: Object.values(COMMANDS), guild: guildId }, 'DiscordBot');
    } catch (error) {
      this.logger.event('error', 'discord.commands_failed', { error: describe(error) }, 'DiscordBot');
    }
    // The demo directory may have been loaded after the first reading, during the boot.
    await this.staff.reload().catch((error: unknown) => this.logger.event('error', 'discord.staff_channels_failed', { error: describe(error) }, 'DiscordBot'));
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isChatInputCommand()) await this.onCommand(interaction);
      else if (interaction.isButton()) await this.turn(interaction, { choice: interaction.customId });
      else if (interaction.isModalSubmit() && interaction.customId === TICKET_MODAL) {
        await this.turn(interaction, { text: interaction.fields.getTextInputValue(TICKET_DETAILS), ticket: true });
      }
    } catch (error) {
      this.logger.event('error', 'discord.interaction_failed', { type: interaction.type, error: describe(error) }, 'DiscordBot');
      if (!interaction.isRepliable() || interaction.replied) return;
      const sorry = { content: this.texts.render('error.unavailable'), flags: MessageFlags.Ephemeral } as const;
      await (interaction.deferred ? interaction.followUp(sorry) : interaction.reply(sorry)).catch(() => undefined);
    }
  }

  private async onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    switch (interaction.commandName) {
      case COMMANDS.help: {
        const question = interaction.options.getString('question');
        if (question === null) return void (await interaction.reply({ content: this.texts.render('aide.intro'), flags: MessageFlags.Ephemeral }));
        return this.turn(interaction, { text: question });
      }
      case COMMANDS.ticket:
        return void (await interaction.showModal({
          custom_id: TICKET_MODAL,
          title: this.texts.render('ticket.modal_title'),
          components: [
            {
              type: ComponentType.ActionRow,
              components: [
                {
                  type: ComponentType.TextInput,
                  custom_id: TICKET_DETAILS,
                  label: this.texts.render('ticket.details_label'),
                  placeholder: this.texts.render('ticket.details_placeholder'),
                  style: TextInputStyle.Paragraph,
                  min_length: 1,
                  max_length: 4000,
                  required: true,
                },
              ],
            },
          ],
        }));
      case COMMANDS.password:
        // The command says what the person would write; the engine's reset path takes it from there.
        return this.turn(interaction, { text: this.texts.render('motdepasse.question') });
      case COMMANDS.link:
        return this.offerLink(interaction);
    }
  }

  /** Starts linking the Discord identity to an ENT account: a one-time link, shown to the person alone. */
  private async offerLink(interaction: ChatInputCommandInteraction): Promise<void> {
    const identity = identityOf(interaction.user);
    const [linked, offer] = await Promise.all([this.linking.linkedPerson(identity), this.linking.offer(identity)]);
    const content = linked ? this.texts.render('lier.already', { name: linked.displayName, url: offer.url, minutes: Math.round((offer.expiresAt.getTime() - this.clock.now().getTime()) / 60_000) }) : offer.text;
    await interaction.reply({
      content,
      flags: MessageFlags.Ephemeral,
      allowedMentions: { parse: [] },
      components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: 5, label: this.texts.render('lier.button'), url: offer.url }] }],
    });
  }

  /**
   * One engine turn from an interaction, answered where it came from:
   * ephemerally (a button on a message gets that message updated in place),
   * and a secret (a code for an approver) always in an ephemeral reply.
   */
  private async turn(interaction: Replying, part: Pick<Turn, 'text' | 'choice' | 'ticket'>): Promise<void> {
    const identity = identityOf(interaction.user);
    // Discord forgets an interaction not acknowledged within 3 s: a slow turn (the ENT taking its time) is deferred first.
    let deferring: Promise<unknown> | undefined;
    const timer = setTimeout(() => {
      deferring = interaction.isButton() ? interaction.deferUpdate() : interaction.deferReply({ flags: MessageFlags.Ephemeral });
    }, ACK_WITHIN_MS);
    let replies: ChatReply[];
    try {
      replies = await this.engine.handle({ channel: 'discord', conversation: interaction.user.id, identity, ...part });
    } finally {
      clearTimeout(timer);
      await deferring;
    }
    const messages = replies.flatMap((r) => discordMessages(r.text, r.choices, { ephemeral: true }).map((m) => ({ m, secret: r.secret === true })));
    // In a server, an ephemeral message cannot be answered: what comes next, or what the person types next, is in the DM.
    const hint = !interaction.inGuild() ? null : replies.some((r) => r.ticket) ? 'follow_in_dm' : replies.at(-1)?.choices.length === 0 ? 'reply_in_dm' : null;
    if (hint) messages.push(...discordMessages(this.texts.render(hint), [], { ephemeral: true }).map((m) => ({ m, secret: false })));
    const [first, ...rest] = messages;
    const { flags: _ephemeral, ...update } = first.m;
    if (interaction.isButton() && !first.secret) {
      await (interaction.deferred ? interaction.editReply(update) : interaction.update(update));
    } else if (interaction.deferred && !(interaction.isButton() && first.secret)) {
      // The deferred reply is ephemeral already.
      await interaction.editReply(update);
    } else if (interaction.deferred) {
      await interaction.followUp({ ...first.m, flags: MessageFlags.Ephemeral });
    } else {
      await interaction.reply({ ...first.m, flags: MessageFlags.Ephemeral });
    }
    for (const { m } of rest) await interaction.followUp({ ...m, flags: MessageFlags.Ephemeral });
  }

  /** A direct message to the bot: a turn of the person's conversation, answered in the same DM. */
  private async onDirectMessage(message: Message): Promise<void> {
    if (message.author.bot || message.inGuild()) return;
    try {
      const identity = identityOf(message.author);
      const replies = await this.engine.handle({ channel: 'discord', conversation: message.author.id, identity, text: message.content });
      await this.discord.send(message.channelId, replies.flatMap((r) => discordMessages(r.text, r.choices)));
    } catch (error) {
      this.logger.event('error', 'discord.message_failed', { error: describe(error) }, 'DiscordBot');
      await this.discord.send(message.channelId, discordMessages(this.texts.render('error.unavailable'), [])).catch(() => undefined);
    }
  }

  /** What the engine says of its own accord (a staff answer, a status change, an approval): by direct message. */
  private async deliverPrivately(reply: ChatReply): Promise<void> {
    try {
      const channelId = await this.discord.dmChannelOf(reply.externalId);
      await this.discord.send(channelId, discordMessages(reply.text, reply.choices));
    } catch (error) {
      // The conversation keeps it: shown again when the person comes back. A retry would repeat it in the transcript.
      this.logger.event('warn', 'discord.dm_failed', { conversation: reply.conversationId, error: describe(error) }, 'DiscordBot');
    }
  }
}

function identityOf(user: User): ChatIdentity {
  return { channel: 'discord', externalId: user.id, displayName: user.globalName ?? user.username };
}

/** An error's message for the log: discord.js errors name the route, never the token. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
