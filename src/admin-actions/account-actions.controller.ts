import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, CurrentCaller, RequireScopes } from '../auth/api-key.guard';
import { DomainError } from '../common/errors';
import { DirectoryService } from '../directory/directory.service';
import { openApiSchema, parseOrThrow, ZodPipe } from '../common/http/zod-body.pipe';
import { AccountActionsService } from './account-actions.service';
import { ActorRef } from './actor';
import { AuditLogService } from './audit/audit-log.service';
import {
  actionRequestOpenApi,
  ActionRequestInput,
  actionRequestSchema,
  approvalIdSchema,
  AuditQuery,
  auditQuerySchema,
  chatIdentityHeaderSchema,
  ConfirmInput,
  confirmSchema,
  IdentityParams,
  identityParamsSchema,
  LinkOfferInput,
  linkOfferSchema,
} from './dto/account-actions.schemas';
import { LinkingService } from './linking/linking.service';

const ON_BEHALF_OF = { name: 'X-On-Behalf-Of', required: false, description: 'ENT user id of the person who asks (they must have linked a chat identity)' };
const CHAT_IDENTITY = { name: 'X-Chat-Identity', required: false, description: 'or the chat identity that asks, as channel:externalId (slack:T1:U2, discord:123, webchat:session)' };

/**
 * Guarded account actions for trusted integrations (API keys): the same
 * service as the chat engine and the bots. The caller states who asks, an ENT
 * person or a chat identity it verified; answers carry `userMessage`, the
 * French sentence to show.
 */
@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/v1/accounts')
@UseGuards(ApiKeyGuard)
export class AccountActionsController {
  constructor(
    private readonly actions: AccountActionsService,
    private readonly linking: LinkingService,
    private readonly audit: AuditLogService,
    private readonly directory: DirectoryService,
  ) {}

  @Post('actions/preview')
  @HttpCode(200)
  @RequireScopes('accounts:act')
  @ApiHeader(ON_BEHALF_OF)
  @ApiHeader(CHAT_IDENTITY)
  @ApiOperation({ summary: 'Check an account action against the policy and get a single-use confirmation (2 minutes)' })
  @ApiBody({ schema: actionRequestOpenApi })
  async preview(@Body(new ZodPipe(actionRequestSchema)) body: ActionRequestInput, @CurrentCaller() caller: Caller, @Headers('x-chat-identity') chat?: string) {
    return this.actions.preview(await this.actorOf(caller, chat), body);
  }

  @Post('actions/confirm')
  @HttpCode(200)
  @RequireScopes('accounts:act')
  @ApiHeader(ON_BEHALF_OF)
  @ApiHeader(CHAT_IDENTITY)
  @ApiOperation({ summary: 'Carry out a previewed action; a renewal code is in this answer only' })
  @ApiBody({ schema: openApiSchema(confirmSchema) })
  async confirm(@Body(new ZodPipe(confirmSchema)) body: ConfirmInput, @CurrentCaller() caller: Caller, @Headers('x-chat-identity') chat?: string) {
    return this.actions.confirm(await this.actorOf(caller, chat), body.confirmation, { service: body.service ?? null });
  }

  @Get('approvals')
  @RequireScopes('accounts:act')
  @ApiHeader(ON_BEHALF_OF)
  @ApiHeader(CHAT_IDENTITY)
  @ApiOperation({ summary: 'The pending approvals the person who asks may decide' })
  async pending(@CurrentCaller() caller: Caller, @Headers('x-chat-identity') chat?: string) {
    return this.actions.pendingApprovals(await this.actorOf(caller, chat));
  }

  @Post('approvals/:id/approve')
  @HttpCode(200)
  @RequireScopes('accounts:act')
  @ApiHeader(ON_BEHALF_OF)
  @ApiHeader(CHAT_IDENTITY)
  @ApiOperation({ summary: 'Preview approving a request: confirm it to get the renewal code (for the approver only)' })
  async approve(@Param('id', new ZodPipe(approvalIdSchema)) id: string, @CurrentCaller() caller: Caller, @Headers('x-chat-identity') chat?: string) {
    return this.actions.preview(await this.actorOf(caller, chat), { action: 'approve', approvalId: id });
  }

  @Post('approvals/:id/refuse')
  @HttpCode(200)
  @RequireScopes('accounts:act')
  @ApiHeader(ON_BEHALF_OF)
  @ApiHeader(CHAT_IDENTITY)
  @ApiOperation({ summary: 'Refuse a request (decided once)' })
  async refuse(@Param('id', new ZodPipe(approvalIdSchema)) id: string, @CurrentCaller() caller: Caller, @Headers('x-chat-identity') chat?: string) {
    return this.actions.refuseApproval(await this.actorOf(caller, chat), id);
  }

  @Post('links')
  @RequireScopes('accounts:link')
  @ApiOperation({ summary: 'A one-time link (10 minutes) for a chat identity to link its ENT account; send it privately' })
  @ApiBody({ schema: openApiSchema(linkOfferSchema) })
  async offer(@Body(new ZodPipe(linkOfferSchema)) body: LinkOfferInput) {
    const offer = await this.linking.offer(body.identity);
    return { url: offer.url, expiresAt: offer.expiresAt, text: offer.text };
  }

  @Get('links/:channel/:externalId')
  @RequireScopes('accounts:link')
  @ApiOperation({ summary: 'The ENT account a chat identity is linked to, with every identity linked to it' })
  async links(@Param(new ZodPipe(identityParamsSchema)) identity: IdentityParams) {
    const link = await this.linking.resolve(identity);
    return { linked: link !== null, links: link ? await this.linking.linksOf(link.entUserId) : [] };
  }

  @Delete('links/:channel/:externalId')
  @RequireScopes('accounts:link')
  @ApiOperation({ summary: 'Unlink a chat identity (its ENT grant goes with the last link)' })
  async unlink(@Param(new ZodPipe(identityParamsSchema)) identity: IdentityParams, @CurrentCaller() caller: Caller) {
    const removed = await this.linking.unlink(identity, { key: `${identity.channel}:${identity.externalId}`, entUserId: null, name: null, channel: `api:${caller.key.name}` });
    return { removed };
  }

  @Get('audit')
  @RequireScopes('accounts:audit')
  @ApiOperation({ summary: 'The audit log of account actions, newest first' })
  async auditLog(@Query(new ZodPipe(auditQuerySchema)) query: AuditQuery) {
    const rows = await this.audit.list({ limit: query.limit, before: query.before, targetEntUserId: query.target, actorEntUserId: query.actor });
    return { items: rows, next: rows.length === query.limit ? rows[rows.length - 1].seq : null };
  }

  @Get('audit/verify')
  @RequireScopes('accounts:audit')
  @ApiOperation({ summary: 'Check the audit log hash chain' })
  verify() {
    return this.audit.verify();
  }

  /**
   * Who asks, as for every route: a personal key's person, or with act_as the
   * ENT user X-On-Behalf-Of names or the chat identity X-Chat-Identity names
   * (acting for a chat identity is acting for the person linked to it); an
   * act_as key's limit confines the action to its schools.
   */
  private async actorOf(caller: Caller, chatHeader: string | undefined): Promise<ActorRef> {
    const chat = chatHeader?.trim() ? parseOrThrow(chatIdentityHeaderSchema, chatHeader, 'X-Chat-Identity') : null;
    const limit = caller.key.actAsWithin;
    const within = limit ? { within: await this.directory.schoolsWithin(limit.kind, limit.id) } : {};
    if (chat) {
      if (caller.actorId) throw new DomainError('VALIDATION_FAILED', 'State either X-On-Behalf-Of or X-Chat-Identity, not both.', { errors: [{ path: 'X-Chat-Identity', message: 'not with X-On-Behalf-Of or a personal key' }] });
      if (!caller.key.scopes.includes('act_as')) throw new DomainError('FORBIDDEN_SCOPE', 'This API key may not act for someone else: X-Chat-Identity needs the act_as scope.');
      return { kind: 'chat', identity: chat, ...within };
    }
    if (caller.actorId) return { kind: 'ent', entUserId: caller.actorId, channel: `api:${caller.key.name}`, ...within };
    throw new DomainError('ACTOR_REQUIRED', 'Say who asks: a personal API key, or with an act_as key X-On-Behalf-Of (ENT user id) or X-Chat-Identity (channel:externalId).');
  }
}
