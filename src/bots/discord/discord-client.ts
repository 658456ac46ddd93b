import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Client, GatewayIntentBits, Partials, RESTPostAPIChannelMessageResult, Routes } from 'discord.js';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DiscordMessage } from './discord-replies';

/**
 * Discord, behind one class: the discord.js client (gateway and REST, at
 * `DISCORD_API_URL`), present only when `DISCORD_TOKEN` is set. Everything the
 * bot and the staff channel send goes through here.
 */
@Injectable()
export class DiscordClient implements OnApplicationShutdown {
  readonly client: Client | null;
  readonly settings: NonNullable<AppConfig['discord']> | null;
  /** Direct-message channel ids by user id: Discord gives the same one every time. */
  private readonly dms = new Map<string, string>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.settings = config.discord;
    this.client = config.discord
      ? new Client({
          // Slash commands and buttons arrive without any intent; direct messages need theirs, and DM channels are never cached first.
          intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
          partials: [Partials.Channel],
          rest: { api: config.discord.apiUrl },
          allowedMentions: { parse: [] },
        })
      : null;
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  /** Connects to the gateway; the token goes to discord.js only. */
  async login(): Promise<void> {
    await this.client!.login(this.settings!.token);
  }

  /** Posts messages in a channel (a staff channel, a DM), in order. */
  async send(channelId: string, messages: DiscordMessage[]): Promise<void> {
    for (const body of messages) {
      const { flags: _ephemeral, ...message } = body;
      (await this.client!.rest.post(Routes.channelMessages(channelId), { body: message })) as RESTPostAPIChannelMessageResult;
    }
  }

  /** The direct-message channel with a user (`POST /users/@me/channels`). */
  async dmChannelOf(userId: string): Promise<string> {
    const known = this.dms.get(userId);
    if (known) return known;
    const channel = (await this.client!.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    this.dms.set(userId, channel.id);
    return channel.id;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.destroy();
  }
}
