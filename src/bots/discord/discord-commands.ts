import { ApplicationCommandOptionType, ApplicationCommandType, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { DiscordTexts } from './discord-texts';

/** The slash commands' names, as people type them. */
export const COMMANDS = { help: 'aide', ticket: 'ticket', password: 'motdepasse', link: 'lier' } as const;

/** Custom ids of the bot's own components (the engine's buttons carry the engine's choice ids). */
export const TICKET_MODAL = 'relais-ticket';
export const TICKET_DETAILS = 'details';

/** The commands registered at start (one bulk overwrite): what the bot offers, described in French. */
export function commandDefinitions(texts: DiscordTexts): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    {
      name: COMMANDS.help,
      type: ApplicationCommandType.ChatInput,
      description: texts.render('command.aide'),
      options: [{ name: 'question', type: ApplicationCommandOptionType.String, description: texts.render('command.aide.question'), required: false, max_length: 2000 }],
    },
    { name: COMMANDS.ticket, type: ApplicationCommandType.ChatInput, description: texts.render('command.ticket') },
    { name: COMMANDS.password, type: ApplicationCommandType.ChatInput, description: texts.render('command.motdepasse') },
    { name: COMMANDS.link, type: ApplicationCommandType.ChatInput, description: texts.render('command.lier') },
  ];
}
