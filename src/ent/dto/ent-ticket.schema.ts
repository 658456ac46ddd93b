import { z } from 'zod';
import { textField } from '../../common/text-field';
import { PROFILES } from '../../directory/profiles';
import { Actor } from '../../tickets/ticket-events';
import { SourceUpdate } from '../../tickets/ticket-sources.service';
import { statusFromCode } from '../../tickets/ticket-status';

const entId = z.union([textField(1, 128), z.number().int().nonnegative()]).transform(String);

/**
 * A ticket as the ENT support module sends it. Unknown fields are dropped, not
 * refused: the ENT may add fields without breaking the intake.
 */
export const entCommentSchema = z.object({
  id: entId,
  owner: entId,
  owner_name: textField(1, 200),
  content: textField(1, 20_000),
  created: z.iso.datetime({ offset: true }).optional(),
});

export const entTicketSchema = z.object({
  id: entId,
  subject: textField(1, 255),
  description: textField(1, 20_000),
  category: z.string().trim().regex(/^\/[\w/-]*$/, 'an app address such as /blog').max(200).nullish(),
  school_id: entId,
  owner: entId,
  owner_name: textField(1, 200),
  owner_login: textField(1, 128).optional(),
  profile: z.enum(PROFILES).optional(),
  status: z.number().int().min(1).max(5).default(1),
  comments: z.array(entCommentSchema).max(500).default([]),
});
export type EntTicket = z.output<typeof entTicketSchema>;

/** The ENT acting as itself in a ticket's history. */
export const ENT_ACTOR: Actor = { kind: 'integration', id: 'ent', name: 'ENT Assistance' };

/** What the ENT's delivery says of its ticket, for the tickets module. */
export function sourceUpdateOf(payload: EntTicket): SourceUpdate {
  return {
    actor: ENT_ACTOR,
    externalId: payload.id,
    request: {
      subject: payload.subject,
      description: payload.description,
      requester: { entUserId: payload.owner, login: payload.owner_login, displayName: payload.owner_name, profile: payload.profile },
      school: { structureId: payload.school_id },
    },
    category: payload.category ?? null,
    status: statusFromCode(payload.status),
    comments: payload.comments.map((c) => ({
      externalId: c.id,
      authorId: c.owner,
      authorName: c.owner_name,
      body: c.content,
      createdAt: c.created ? new Date(c.created) : undefined,
    })),
  };
}
