import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { ApiKeyGuard, Caller, CurrentCaller, RequireScopes } from '../auth/api-key.guard';
import { openApiSchema, parseOrThrow, ZodPipe } from '../common/http/zod-body.pipe';
import {
  AddMessageInput,
  addMessageSchema,
  AssignInput,
  assignSchema,
  CreateTicketInput,
  createTicketSchema,
  idempotencyKeySchema,
  ListTicketsQuery,
  listTicketsSchema,
  referenceSchema,
  TransitionInput,
  transitionSchema,
} from './dto/ticket.schemas';
import { TicketCommands } from './ticket-commands.service';
import { hashRequest, TicketCreation } from './ticket-creation.service';
import { TicketQueries } from './ticket-queries.service';
import { TicketViewers } from './ticket-viewers.service';
import { eventView, messageView, ticketView } from './ticket.view';

const referenceParam = new ZodPipe(referenceSchema);
const ON_BEHALF_OF = { name: 'X-On-Behalf-Of', required: false, description: 'ENT user id of the end user the caller acts for' };

@ApiTags('tickets')
@ApiBearerAuth()
@ApiHeader(ON_BEHALF_OF)
@Controller('api/v1/tickets')
@UseGuards(ApiKeyGuard)
export class TicketsController {
  constructor(
    private readonly creation: TicketCreation,
    private readonly commands: TicketCommands,
    private readonly queries: TicketQueries,
    private readonly viewers: TicketViewers,
  ) {}

  @Post()
  @RequireScopes('tickets:write')
  @ApiOperation({ summary: 'Create a ticket (retry-safe with Idempotency-Key)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ schema: openApiSchema(createTicketSchema) })
  async create(
    @Body(new ZodPipe(createTicketSchema)) body: CreateTicketInput,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    const key = idempotencyKey === undefined ? undefined : parseOrThrow(idempotencyKeySchema, idempotencyKey, 'Idempotency-Key');
    const { ticket, created } = await this.creation.create(body, {
      as: await this.viewers.personOfCaller(caller),
      idempotency: key ? { apiKeyId: caller.key.id, key, requestHash: hashRequest(body) } : undefined,
    });
    res.status(created ? 201 : 200);
    if (!created) res.setHeader('Idempotent-Replayed', 'true');
    return ticketView(ticket);
  }

  @Get()
  @RequireScopes('tickets:read', 'tickets:read_all')
  @ApiOperation({ summary: 'List the tickets the end user may see' })
  @ApiQuery({ name: 'status', required: false, description: 'comma-separated: new,opened,resolved,closed,waiting_for_user' })
  @ApiQuery({ name: 'school', required: false })
  @ApiQuery({ name: 'tier', required: false })
  @ApiQuery({ name: 'assignee', required: false })
  @ApiQuery({ name: 'text', required: false })
  @ApiQuery({ name: 'page', required: false })
  @ApiQuery({ name: 'pageSize', required: false })
  async list(@Query(new ZodPipe(listTicketsSchema)) query: ListTicketsQuery, @CurrentCaller() caller: Caller) {
    const page = await this.queries.list(query, await this.viewer(caller));
    return { ...page, items: page.items.map(ticketView) };
  }

  @Get(':reference')
  @RequireScopes('tickets:read', 'tickets:read_all')
  @ApiOperation({ summary: 'Read a ticket and its messages' })
  async get(@Param('reference', referenceParam) reference: string, @CurrentCaller() caller: Caller) {
    const viewer = await this.viewer(caller);
    const ticket = await this.queries.get(reference, viewer);
    const messages = await this.queries.messages(ticket, viewer);
    return { ...ticketView(ticket), messages: messages.map(messageView) };
  }

  @Get(':reference/history')
  @RequireScopes('tickets:read', 'tickets:read_all')
  @ApiOperation({ summary: 'Every change made to the ticket, oldest first' })
  async history(@Param('reference', referenceParam) reference: string, @CurrentCaller() caller: Caller) {
    const events = await this.queries.history(reference, await this.viewer(caller));
    return { items: events.map(eventView) };
  }

  @Post(':reference/messages')
  @RequireScopes('tickets:write')
  @ApiOperation({ summary: 'Add a public message or an internal note' })
  @ApiBody({ schema: openApiSchema(addMessageSchema) })
  async addMessage(
    @Param('reference', referenceParam) reference: string,
    @Body(new ZodPipe(addMessageSchema)) body: AddMessageInput,
    @CurrentCaller() caller: Caller,
  ) {
    const { ticket, result } = await this.commands.addMessage(reference, body, await this.viewers.personOfCaller(caller));
    return { ticket: ticketView(ticket), message: messageView(result) };
  }

  @Post(':reference/transitions')
  @HttpCode(200)
  @RequireScopes('tickets:write')
  @ApiOperation({ summary: 'claim, wait_for_user, resolve, close or reopen' })
  @ApiBody({ schema: openApiSchema(transitionSchema) })
  async transition(
    @Param('reference', referenceParam) reference: string,
    @Body(new ZodPipe(transitionSchema)) body: TransitionInput,
    @CurrentCaller() caller: Caller,
  ) {
    const { ticket } = await this.commands.transition(reference, body, await this.viewers.personOfCaller(caller));
    return ticketView(ticket);
  }

  @Post(':reference/assignee')
  @HttpCode(200)
  @RequireScopes('tickets:write')
  @ApiOperation({ summary: 'Give the ticket to another person who handles tickets of its school, or back to the group' })
  @ApiBody({ schema: openApiSchema(assignSchema) })
  async assign(
    @Param('reference', referenceParam) reference: string,
    @Body(new ZodPipe(assignSchema)) body: AssignInput,
    @CurrentCaller() caller: Caller,
  ) {
    const assignee = body.assignee === null ? null : await this.viewers.person(body.assignee);
    const { ticket } = await this.commands.reassign(reference, assignee, await this.viewers.personOfCaller(caller));
    return ticketView(ticket);
  }

  private viewer(caller: Caller) {
    return this.viewers.ofCaller(caller);
  }
}
