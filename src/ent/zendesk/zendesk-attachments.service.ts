import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AuthenticatedKey } from '../../auth/api-key.service';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AttachmentInfo } from '../../tickets/ticket-attachment.entity';
import { TicketQueries } from '../../tickets/ticket-queries.service';
import { TicketSources } from '../../tickets/ticket-sources.service';
import { checkAttachmentType, DEFAULT_ATTACHMENT_TYPES } from '../../tickets/attachment-type';
import { ZendeskAttachmentEntity, ZendeskTicketEntity } from './zendesk.entities';

/** An upload named in a ticket or comment: its Zendesk id and the file it is. */
export interface Upload {
  zendeskId: string;
  file: AttachmentInfo;
}

/**
 * Files the ENT uploads before the ticket or comment they go with
 * (`POST uploads.json` → a token), kept as staged ticket files and attached
 * when a ticket or comment names their tokens. The ENT recognises files by
 * their Zendesk id: a file keeps the id it was uploaded under, and a file
 * uploaded again (a redelivery) is the one already on the ticket.
 */
@Injectable()
export class ZendeskAttachments {
  private readonly accepted: readonly string[];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sources: TicketSources,
    private readonly queries: TicketQueries,
    private readonly clock: Clock,
  ) {
    this.accepted = config.zendesk.attachments.types ?? DEFAULT_ATTACHMENT_TYPES;
  }

  async upload(file: { fileName: string; declared: string | undefined; content: Buffer }, key: AuthenticatedKey): Promise<{ upload: Upload; token: string }> {
    if (file.content.length === 0) throw new DomainError('VALIDATION_FAILED', 'The upload is empty.', { errors: [{ path: 'body', message: 'the file has no bytes' }] });
    const type = checkAttachmentType(file, this.accepted);
    if ('refused' in type) throw new DomainError('ATTACHMENT_TYPE_REFUSED', `The file is refused: ${type.refused}.`);
    const attachmentId = await this.sources.stageAttachment({ fileName: file.fileName, contentType: type.contentType, content: file.content });
    const token = randomBytes(24).toString('base64url');
    const row = await this.db.getRepository(ZendeskAttachmentEntity).save({ attachmentId, token, apiKeyId: key.id, createdAt: this.clock.now() });
    return { upload: { zendeskId: row.id, file: (await this.queries.attachment(attachmentId))! }, token };
  }

  /** The uploads these tokens name, sent with this key; an unknown token refuses the request. */
  async byTokens(tokens: string[], key: AuthenticatedKey, path: string): Promise<Upload[]> {
    if (tokens.length === 0) return [];
    const rows = await this.db.getRepository(ZendeskAttachmentEntity).findBy({ token: In(tokens), apiKeyId: key.id });
    const byToken = new Map(rows.map((r) => [r.token, r]));
    const unknown = tokens.map((token, i) => ({ token, i })).filter(({ token }) => !byToken.has(token));
    if (unknown.length) {
      throw new DomainError('UPLOAD_NOT_FOUND', 'An upload token is unknown or expired: upload the file again.', {
        errors: unknown.map(({ i }) => ({ path: `${path}.${i}`, message: 'no such upload' })),
      });
    }
    const uploads: Upload[] = [];
    for (const token of new Set(tokens)) {
      const row = byToken.get(token)!;
      const file = await this.queries.attachment(row.attachmentId);
      if (!file) throw new DomainError('UPLOAD_NOT_FOUND', 'An upload has expired: upload the file again.');
      uploads.push({ zendeskId: row.id, file });
    }
    return uploads;
  }

  /**
   * Of the uploads going to this ticket (null: a ticket not written yet), the
   * staged files to attach. A file already on the ticket is not attached
   * again: one with the same content and name is that file, and its upload id
   * now names it. A file attached to another ticket is refused.
   */
  async toAttach(uploads: Upload[], ticketId: string | null): Promise<string[]> {
    const onTicket = ticketId ? await this.queries.attachments(ticketId) : [];
    const staged: string[] = [];
    for (const { zendeskId, file } of uploads) {
      if (file.ticketId !== null) {
        if (file.ticketId === ticketId) continue;
        throw new DomainError('UPLOAD_NOT_FOUND', 'An upload is already attached to another ticket.');
      }
      const same = onTicket.find((f) => f.sha256 === file.sha256 && f.fileName === file.fileName);
      if (same) await this.db.getRepository(ZendeskAttachmentEntity).update({ id: zendeskId }, { attachmentId: same.id });
      else staged.push(file.id);
    }
    return staged;
  }

  /** The Zendesk id each file is shown under (its latest upload); a file never uploaded here gets one now. */
  async ids(files: AttachmentInfo[]): Promise<Map<string, number>> {
    if (files.length === 0) return new Map();
    const ids = files.map((f) => f.id);
    await this.db.query(
      `INSERT INTO zendesk_attachments (attachment_id, created_at)
       SELECT a, $2 FROM unnest($1::uuid[]) AS a WHERE NOT EXISTS (SELECT 1 FROM zendesk_attachments z WHERE z.attachment_id = a)`,
      [ids, this.clock.now()],
    );
    const rows: { attachment_id: string; id: string }[] = await this.db.query(
      'SELECT attachment_id, max(id) AS id FROM zendesk_attachments WHERE attachment_id = ANY($1::uuid[]) GROUP BY attachment_id',
      [ids],
    );
    return new Map(rows.map((r) => [r.attachment_id, Number(r.id)]));
  }

  /** A file's metadata, for this key: a file of a ticket the ENT escalated, or one it uploaded itself and has not attached yet. */
  async info(zendeskId: string, key: AuthenticatedKey): Promise<{ id: number; file: AttachmentInfo }> {
    const row = await this.db.getRepository(ZendeskAttachmentEntity).findOneBy({ id: zendeskId });
    const file = row ? await this.queries.attachment(row.attachmentId) : null;
    const visible = file && (file.ticketId ? await this.db.getRepository(ZendeskTicketEntity).existsBy({ ticketId: file.ticketId }) : row!.apiKeyId === key.id);
    if (!row || !file || !visible) throw new DomainError('ATTACHMENT_NOT_FOUND', `No attachment ${zendeskId}.`);
    return { id: Number(row.id), file };
  }

  async content(zendeskId: string, key: AuthenticatedKey): Promise<{ file: AttachmentInfo; content: Buffer }> {
    const { file } = await this.info(zendeskId, key);
    const content = await this.queries.attachmentContent(file.id);
    if (!content) throw new DomainError('ATTACHMENT_NOT_FOUND', `No attachment ${zendeskId}.`);
    return { file, content };
  }
}
