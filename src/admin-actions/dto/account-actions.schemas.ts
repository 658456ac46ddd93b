import { z } from 'zod';
import { textField } from '../../common/text-field';
import { openApiSchema } from '../../common/http/zod-body.pipe';
import { PROFILES } from '../../directory/profiles';
import { CHAT_CHANNELS, chatIdentitySchema } from '../actor';

const login = z.string().trim().regex(/^[\w.@-]{1,128}$/, 'an ENT login').describe('ENT login of the account');
const structureId = z.string().trim().regex(/^[\w-]{1,128}$/, 'an ENT structure id').describe('ENT structure id of the school');
const target = z
  .union([
    z.object({ login }).strict(),
    z.object({ name: textField(2, 120).describe('first and/or last name'), structureId }).strict(),
  ])
  .describe('the account: by login, or by name within a school');

export const actionRequestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('renewal_code'), target }).strict(),
  z.object({ action: z.literal('block'), target, reason: textField(0, 500).nullish().describe('why (required to block)') }).strict(),
  z.object({ action: z.literal('unblock'), target }).strict(),
  z
    .object({
      action: z.literal('self_reset'),
      login: login.nullish().describe('the account, when the person is not linked or asks for someone else'),
      structureId: structureId.nullish(),
      profile: z.enum(PROFILES).nullish().describe('the profile the person states, when not linked'),
    })
    .strict(),
  z.object({ action: z.literal('approve'), approvalId: z.uuid() }).strict(),
]);

/** For OpenAPI: whichever the variant, `action` is required (JSON Schema's oneOf alone does not say it). */
export const actionRequestOpenApi = { ...openApiSchema(actionRequestSchema), type: 'object', required: ['action'] };

export const confirmSchema = z
  .object({
    confirmation: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a confirmation token').describe('the token of the preview'),
    service: z.enum(['mail', 'mobile']).nullish().describe('where the ENT sends its reset code, when both are on file'),
  })
  .strict();

export const approvalIdSchema = z.uuid();

export const linkOfferSchema = z.object({ identity: chatIdentitySchema }).strict();

export const identityParamsSchema = z.object({ channel: z.enum(CHAT_CHANNELS), externalId: z.string().regex(/^[\w.:@-]{1,128}$/) });

export const chatIdentityHeaderSchema = z
  .string()
  .trim()
  .regex(/^(slack|discord|webchat):[\w.:@-]{1,128}$/, 'channel:externalId, channel one of slack, discord, webchat')
  .transform((v) => {
    const [channel, ...rest] = v.split(':');
    return { channel: channel as (typeof CHAT_CHANNELS)[number], externalId: rest.join(':') };
  });

export const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before: z.coerce.number().int().min(1).optional(),
    target: z.string().regex(/^[\w.@:-]{1,128}$/).optional().describe('ENT user id of the account acted on'),
    actor: z.string().regex(/^[\w.@:-]{1,128}$/).optional().describe('ENT user id of the actor'),
  })
  .strict();

export const linkPageQuerySchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/) });
export const callbackQuerySchema = z.object({
  state: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  code: z.string().min(1).max(500).optional(),
  error: z.string().max(100).optional(),
});

export type ActionRequestInput = z.output<typeof actionRequestSchema>;
export type ConfirmInput = z.output<typeof confirmSchema>;
export type AuditQuery = z.output<typeof auditQuerySchema>;
export type LinkOfferInput = z.output<typeof linkOfferSchema>;
export type IdentityParams = z.output<typeof identityParamsSchema>;
