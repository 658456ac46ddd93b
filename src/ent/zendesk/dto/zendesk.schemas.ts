import { z } from 'zod';
import { storableText, textField } from '../../../common/text-field';
import { ZENDESK_STATUSES } from '../zendesk-status';

/**
 * What the ENT's Zendesk connector sends, validated. Fields Zendesk knows and
 * Relais has no use for (the connector's `zendesk-issue-template`: tags,
 * group, brand…) are dropped, not refused: any template keeps working.
 */

/** A numeric id in a path, with Zendesk's optional `.json`. */
export const zendeskIdParam = z
  .string()
  .regex(/^\d{1,15}(\.json)?$/i, 'a Zendesk id is a number')
  .transform((s) => s.replace(/\.json$/i, ''));

const uploadToken = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'an upload token');

/** An id the ENT may send as a number or a string of digits. */
const numericId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,15}$/)]).transform(String);

export const commentSchema = z
  .object({
    html_body: storableText(z.string().max(200_000)).optional(),
    body: storableText(z.string().max(200_000)).optional(),
    public: z.boolean().optional(),
    author_id: numericId.nullish(),
    type: z.enum(['Comment', 'VoiceComment']).optional(),
    uploads: z.array(uploadToken).max(50).optional(),
    /** The ENT's own comment id, on the comments it sends after creating a ticket. */
    id: numericId.nullish(),
    created_at: z.string().max(64).nullish(),
  })
  .refine((c) => (c.html_body ?? c.body ?? '').trim() !== '' || (c.uploads?.length ?? 0) > 0, {
    message: 'a comment needs html_body, body or uploads',
    path: ['html_body'],
  });
export type CommentInput = z.output<typeof commentSchema>;

export const customFieldSchema = z.object({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  value: z.union([textField(0, 10_000), z.number().finite(), z.boolean(), z.null(), z.array(textField(0, 1000)).max(100)]),
});

export const createTicketSchema = z.object({
  ticket: z.object({
    subject: textField(1, 255),
    comment: commentSchema,
    custom_fields: z.array(customFieldSchema).max(100).default([]),
  }),
});
export type CreateTicketInput = z.output<typeof createTicketSchema>;

export const updateTicketSchema = z.object({
  ticket: z.object({
    status: z.enum(ZENDESK_STATUSES).optional(),
    comment: commentSchema.optional(),
  }),
});
export type UpdateTicketInput = z.output<typeof updateTicketSchema>;

export const uploadQuerySchema = z
  .object({
    filename: textField(1, 255)
      .refine((s) => !/[\u0000-\u001f\u007f/\\]/.test(s), 'a file name, without path or control characters')
      .describe('the file name, as the ENT sends it'),
  })
  .strict();

export const exportQuerySchema = z
  .object({
    start_time: z
      .string()
      .regex(/^\d{1,11}$/, 'Unix seconds')
      .transform(Number)
      .describe('Unix seconds: the changes after this second'),
    include: z.string().max(200).optional().describe('side-loads such as comment_events: accepted, not sent (the ENT reads the comments route)'),
  })
  .strict();
