import { APIActionRowComponent, APIButtonComponent, ButtonStyle, ComponentType, MessageFlags } from 'discord.js';
import { ChatChoice } from '../../conversations/conversation.entity';

/** Discord's limits: 2000 characters a message, 5 buttons a row, 5 rows, 80 characters a label, 100 a custom id. */
const MAX_CONTENT = 2000;
const BUTTONS_PER_ROW = 5;
const MAX_ROWS = 5;
const MAX_LABEL = 80;
const MAX_CUSTOM_ID = 100;

/** One Discord message body (REST `POST /channels/:id/messages`, an interaction callback's data, a follow-up). */
export interface DiscordMessage {
  content: string;
  components: APIActionRowComponent<APIButtonComponent>[];
  /** People's and staff's words are shown, never turned into pings. */
  allowed_mentions: { parse: [] };
  flags?: number;
}

/**
 * The engine's reply as Discord messages: its text cut at paragraph or line
 * breaks into messages Discord accepts, its choices as buttons on the last one.
 */
export function discordMessages(text: string, choices: ChatChoice[], options: { ephemeral?: boolean } = {}): DiscordMessage[] {
  const parts = split(text);
  return parts.map((content, i) => ({
    content,
    components: i === parts.length - 1 ? buttonRows(choices) : [],
    allowed_mentions: { parse: [] },
    ...(options.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  }));
}

export function buttonRows(choices: ChatChoice[]): APIActionRowComponent<APIButtonComponent>[] {
  const buttons: APIButtonComponent[] = choices
    .filter((c) => c.id.length <= MAX_CUSTOM_ID)
    .slice(0, BUTTONS_PER_ROW * MAX_ROWS)
    .map((c, i) => ({
      type: ComponentType.Button,
      custom_id: c.id,
      label: c.label.length <= MAX_LABEL ? c.label : `${c.label.slice(0, MAX_LABEL - 1)}…`,
      style: i === 0 ? ButtonStyle.Primary : ButtonStyle.Secondary,
    }));
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length; i += BUTTONS_PER_ROW) rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + BUTTONS_PER_ROW) });
  return rows;
}

/** Cuts a text into pieces of at most 2000 characters, at a paragraph, a line or a space when it can. */
export function split(text: string, max = MAX_CONTENT): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' ')].find((at) => at > max / 2) ?? max;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  parts.push(rest);
  return parts;
}
