import { z } from 'zod';
import { textField } from '../../common/text-field';
import { MESSAGE_VISIBILITIES } from '../ticket-message.entity';
import { SOURCE_CHANNELS } from '../ticket.entity';
import { PRIORITIES } from '../../routing/routing-rules';
import { PROFILES } from '../../directory/profiles';
import { TICKET_STATUSES, TRANSITIONS } from '../ticket-status';

const entId = textField(1, 128).regex(/^[\w.@:-]+$/, 'letters, digits and . _ @ : - only');
export const uaiSchema = z.string().trim().toUpperCase().regex(/^\d{7}[A-Z]$/, 'a UAI is 7 digits and a letter');

export const requesterSchema = z
  .object({
    entUserId: entId.describe('ENT user id of the person who needs help'),
    login: textField(1, 128).optional(),
    displayName: textField(1, 200),
    profile: z.enum(PROFILES).optional().describe('ENT profile; unknown when omitted'),
  })
  .strict();

export const schoolRefSchema = z
  .object({
    structureId: entId.optional().describe('ENT structure id'),
    uai: uaiSchema.optional(),
  })
  .strict()
  .refine((s) => s.structureId || s.uai, 'give structureId or uai');

export const createTicketSchema = z
  .object({
    subject: textField(1, 200),
    description: textField(1, 20_000),
    channel: z.enum(SOURCE_CHANNELS).default('api'),
    requester: requesterSchema,
    school: schoolRefSchema.optional(),
    priority: z.enum(PRIORITIES).default('mineur'),
  })
  .strict();
export type CreateTicketInput = z.output<typeof createTicketSchema>;

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1));

export const listTicketsSchema = z
  .object({
    status: csv(TICKET_STATUSES as [string, ...string[]]).optional().describe('comma-separated statuses'),
    school: textField(1, 128).optional().describe('ENT structure id or UAI'),
    tier: textField(1, 64).optional(),
    assignee: textField(1, 128).optional(),
    text: textField(2, 200).optional().describe('words searched in subject and description, accents ignored'),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type ListTicketsQuery = z.output<typeof listTicketsSchema>;

export const addMessageSchema = z
  .object({
    body: textField(1, 20_000),
    visibility: z.enum(MESSAGE_VISIBILITIES).default('public'),
    channel: z.enum(SOURCE_CHANNELS).default('api'),
  })
  .strict();
export type AddMessageInput = z.output<typeof addMessageSchema>;

export const transitionSchema = z
  .object({
    action: z.enum(TRANSITIONS),
    reason: textField(1, 2000).optional(),
  })
  .strict();
export type TransitionInput = z.output<typeof transitionSchema>;

export const assignSchema = z
  .object({
    assignee: entId.nullable().describe('ENT user id of the person who handles the ticket from now on; null gives it back to the group'),
  })
  .strict();
export type AssignInput = z.output<typeof assignSchema>;

export const referenceSchema = z.string().regex(/^[A-Z]{2,6}-\d{4}-\d{6,}$/, 'a ticket reference looks like AST-2026-000042');
export const idempotencyKeySchema = z.string().regex(/^[\w.:-]{8,128}$/, '8 to 128 letters, digits or . _ : -');
