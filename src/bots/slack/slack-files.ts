import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { JsonLogger } from '../../common/logging/json-logger';
import { checkAttachmentType, DEFAULT_ATTACHMENT_TYPES } from '../../tickets/attachment-type';
import { TicketSources } from '../../tickets/ticket-sources.service';

/** Beyond this, a file is left in Slack (the author is told). */
export const SLACK_FILE_MAX_BYTES = 10 * 1024 * 1024;
/** Files taken from one message, at most. */
export const SLACK_FILES_PER_MESSAGE = 10;
const DOWNLOAD_TIMEOUT_MS = 15_000;
/** Where Slack serves the files of a workspace. */
const SLACK_FILES_ORIGIN = 'https://files.slack.com';

/** A file of a message event, as Slack describes it. */
export interface SlackFile {
  id?: string;
  name?: string;
  mimetype?: string;
  size?: number;
  url_private_download?: string;
  url_private?: string;
}

/** Why a file stayed out of the ticket, for its author. */
export type FileRefusal = { name: string; why: 'too_big' | 'type' | 'unreachable' };

/**
 * Files shared in a card's thread, copied into the ticket: a file deleted
 * from Slack, or a workspace that keeps files 90 days, leaves the ticket
 * whole. Downloaded with the bot token from Slack's file host only (the
 * token goes nowhere else), checked as the intake checks its files.
 */
@Injectable()
export class SlackFiles {
  private readonly origins: Set<string>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sources: TicketSources,
    private readonly logger: JsonLogger,
  ) {
    // The API's own host serves files as well when it is not Slack's (a local Slack in tests).
    const api = config.slack ? new URL(config.slack.apiUrl).origin : null;
    this.origins = new Set([SLACK_FILES_ORIGIN, ...(api && api !== 'https://slack.com' ? [api] : [])]);
  }

  /** Stages each file for the ticket message it comes with; returns their ids, and what was refused. */
  async stage(files: SlackFile[]): Promise<{ attachments: string[]; refused: FileRefusal[] }> {
    const attachments: string[] = [];
    const refused: FileRefusal[] = [];
    for (const file of files.slice(0, SLACK_FILES_PER_MESSAGE)) {
      const name = (file.name ?? 'fichier').slice(0, 200);
      if ((file.size ?? 0) > SLACK_FILE_MAX_BYTES) {
        refused.push({ name, why: 'too_big' });
        continue;
      }
      const content = await this.download(file);
      if (content === 'too_big' || content === null) {
        refused.push({ name, why: content ?? 'unreachable' });
        continue;
      }
      const type = checkAttachmentType({ declared: file.mimetype, fileName: name, content }, DEFAULT_ATTACHMENT_TYPES);
      if ('refused' in type) {
        refused.push({ name, why: 'type' });
        continue;
      }
      attachments.push(await this.sources.stageAttachment({ fileName: name, contentType: type.contentType, content }));
    }
    return { attachments, refused };
  }

  private async download(file: SlackFile): Promise<Buffer | 'too_big' | null> {
    const url = parseUrl(file.url_private_download ?? file.url_private);
    if (!url || !this.origins.has(url.origin) || !this.config.slack) return null;
    try {
      // No redirects: Slack answers a bad token with one to its login page, and the token must not follow it.
      const res = await fetch(url, { headers: { Authorization: `Bearer ${this.config.slack.botToken}` }, redirect: 'manual', signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
      if (res.status !== 200 || !res.body) {
        this.logger.event('warn', 'slack.file_unreachable', { file: file.id ?? null, status: res.status }, 'slack');
        return null;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        if (size > SLACK_FILE_MAX_BYTES) return 'too_big';
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks);
    } catch (error) {
      this.logger.event('warn', 'slack.file_unreachable', { file: file.id ?? null, error: error instanceof Error ? error.message : String(error) }, 'slack');
      return null;
    }
  }
}

function parseUrl(text: string | undefined): URL | null {
  if (!text) return null;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
