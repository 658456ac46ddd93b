import { Priority } from '../../routing/routing-rules';
import { AttachmentInfo } from '../../tickets/ticket-attachment.entity';
import { statusFromCode } from '../../tickets/ticket-status';
import { TicketEntity } from '../../tickets/ticket.entity';
import { ZendeskTicketEntity } from './zendesk.entities';
import { ZENDESK_STATUS_OF } from './zendesk-status';

/**
 * The Zendesk shapes the ENT reads. Its connector maps them onto Java
 * classes: every field sent must have the type of the field it lands in (a
 * status Zendesk spells, ids as numbers, objects where it expects objects).
 */

/** Zendesk's dates, to the second: the ENT parses exactly `yyyy-MM-dd'T'HH:mm:ss'Z'` (a date with milliseconds would not parse). */
export function zendeskTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const PRIORITY: Record<Priority, string> = { mineur: 'normal', majeur: 'high', bloquant: 'urgent' };

const via = (channel: string) => ({ channel, source: { from: {}, to: {}, rel: null } });

/** `base` is where the routes are served: `<ZENDESK_BASE_PATH>/api/v2`. */
export function ticketView(link: ZendeskTicketEntity, ticket: TicketEntity, base: string) {
  const id = Number(link.id);
  return {
    id,
    url: `${base}/tickets/${id}.json`,
    external_id: ticket.reference,
    via: via('api'),
    created_at: zendeskTime(ticket.createdAt),
    updated_at: zendeskTime(ticket.updatedAt),
    generated_timestamp: Math.floor(ticket.updatedAt.getTime() / 1000),
    type: null,
    subject: ticket.subject,
    raw_subject: ticket.subject,
    description: ticket.description,
    priority: PRIORITY[ticket.priority],
    status: ZENDESK_STATUS_OF[statusFromCode(ticket.status)],
    recipient: null,
    requester_id: null,
    submitter_id: null,
    assignee_id: null,
    organization_id: null,
    group_id: null,
    brand_id: null,
    ticket_form_id: null,
    problem_id: null,
    due_at: null,
    collaborator_ids: [],
    follower_ids: [],
    email_cc_ids: [],
    followup_ids: [],
    sharing_agreement_ids: [],
    tags: ['relais'],
    custom_fields: link.customFields,
    fields: link.customFields,
    satisfaction_rating: null,
    is_public: true,
    has_incidents: false,
    allow_channelback: false,
    allow_attachments: true,
    from_messaging_channel: false,
  };
}

export function attachmentView(id: number, file: AttachmentInfo, base: string) {
  const content = `${base}/attachments/${id}/content`;
  return {
    id,
    url: `${base}/attachments/${id}.json`,
    file_name: file.fileName,
    content_url: content,
    mapped_content_url: content,
    content_type: file.contentType,
    size: file.size,
    width: null,
    height: null,
    inline: false,
    deleted: false,
    thumbnails: [],
  };
}

/** A comment as the ENT reads it: `channel` "api" for what came from the ENT itself, which it does not import back. */
export interface CommentData {
  id: number;
  authorId: number | null;
  text: string;
  html: string;
  channel: 'api' | 'web';
  createdAt: Date;
  attachments: ReturnType<typeof attachmentView>[];
}

export function commentView(c: CommentData) {
  return {
    id: c.id,
    type: 'Comment',
    author_id: c.authorId,
    body: c.text,
    html_body: c.html,
    plain_body: c.text,
    public: true,
    via: via(c.channel),
    metadata: { system: {}, custom: {} },
    attachments: c.attachments,
    created_at: zendeskTime(c.createdAt),
  };
}
