import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { z } from 'zod';
import { AuthenticatedKey } from '../../auth/api-key.service';
import { openApiSchema, parseOrThrow, ZodPipe } from '../../common/http/zod-body.pipe';
import { APP_CONFIG, AppConfig } from '../../config/config';
import {
  CreateTicketInput,
  createTicketSchema,
  exportQuerySchema,
  UpdateTicketInput,
  updateTicketSchema,
  uploadQuerySchema,
  zendeskIdParam,
} from './dto/zendesk.schemas';
import { ZendeskAttachments } from './zendesk-attachments.service';
import { ZendeskAuthGuard, ZendeskKey } from './zendesk-auth.guard';
import { zendeskPrefix } from './zendesk-body-parsing';
import { ZendeskExceptionFilter } from './zendesk-exception.filter';
import { EscalatedTicket, ZendeskTickets } from './zendesk-tickets.service';
import { attachmentView, commentView, ticketView } from './zendesk.views';

const TICKET_ID = { name: 'ticket_id', description: 'Zendesk ticket id (a number; `.json` may follow)' };
const ATTACHMENT_ID = { name: 'attachment_id', description: 'Zendesk attachment id (a number; `.json` may follow)' };
const idParam = new ZodPipe(zendeskIdParam);

/**
 * The routes of Zendesk's REST API that the ENT support module's connector
 * calls (`../../../../shared/notes/ent-escalation.md`), under
 * `<ZENDESK_BASE_PATH>/api/v2`, with and without Zendesk's `.json`. Thin:
 * parse, call the intake, answer in Zendesk's shapes and statuses.
 */
@ApiTags('zendesk')
@ApiBearerAuth()
@ApiBasicAuth()
@Controller('api/v2')
@UseGuards(ZendeskAuthGuard)
@UseFilters(ZendeskExceptionFilter)
export class ZendeskController {
  private readonly base: string;

  constructor(
    private readonly tickets: ZendeskTickets,
    private readonly attachments: ZendeskAttachments,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.base = zendeskPrefix(config.zendesk.basePath);
  }

  @Post(['uploads.json', 'uploads'])
  @HttpCode(201)
  @ApiOperation({ summary: "Upload a file (the body is the file's bytes, with its Content-Type); its token goes in a ticket's or comment's `uploads`" })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiQuery({ name: 'filename', required: true })
  async upload(
    @Query(new ZodPipe(uploadQuerySchema)) query: z.output<typeof uploadQuerySchema>,
    @Req() req: Request,
    @Headers('content-type') contentType: string | undefined,
    @ZendeskKey() key: AuthenticatedKey,
  ) {
    const content = parseOrThrow(z.instanceof(Buffer), Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), 'body');
    const { upload, token } = await this.attachments.upload({ fileName: query.filename, declared: contentType, content }, key);
    const attachment = attachmentView(Number(upload.zendeskId), upload.file, this.base);
    return { upload: { token, attachment, attachments: [attachment] } };
  }

  @Get('attachments/:attachment_id')
  @ApiOperation({ summary: "An attachment's metadata" })
  @ApiParam(ATTACHMENT_ID)
  async attachment(@Param('attachment_id', idParam) id: string, @ZendeskKey() key: AuthenticatedKey) {
    const { id: shown, file } = await this.attachments.info(id, key);
    return { attachment: attachmentView(shown, file, this.base) };
  }

  @Get('attachments/:attachment_id/content')
  @ApiOperation({ summary: "An attachment's bytes (its `content_url`)" })
  @ApiParam(ATTACHMENT_ID)
  async content(@Param('attachment_id', idParam) id: string, @ZendeskKey() key: AuthenticatedKey, @Res() res: Response) {
    const { file, content } = await this.attachments.content(id, key);
    res
      .status(200)
      .type(file.contentType)
      .setHeader('Content-Length', String(content.length))
      .setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
      .setHeader('X-Content-Type-Options', 'nosniff')
      .end(content);
  }

  @Post(['tickets.json', 'tickets'])
  @HttpCode(201)
  @ApiOperation({ summary: 'Escalate an ENT ticket: custom fields carry the requester, the manager, the phone, the ENT ticket id, the school and its UAI' })
  @ApiBody({ schema: openApiSchema(createTicketSchema) })
  async create(@Body(new ZodPipe(createTicketSchema)) body: CreateTicketInput, @ZendeskKey() key: AuthenticatedKey) {
    return this.ticketBody(await this.tickets.create(body, key));
  }

  @Get('tickets/:ticket_id')
  @ApiOperation({ summary: 'A ticket the ENT escalated' })
  @ApiParam(TICKET_ID)
  async show(@Param('ticket_id', idParam) id: string) {
    return this.ticketBody(await this.tickets.get(id));
  }

  @Put('tickets/:ticket_id')
  @ApiOperation({ summary: 'A comment of the ENT and the status it reports (each comment is added once)' })
  @ApiParam(TICKET_ID)
  @ApiBody({ schema: openApiSchema(updateTicketSchema) })
  async update(@Param('ticket_id', idParam) id: string, @Body(new ZodPipe(updateTicketSchema)) body: UpdateTicketInput, @ZendeskKey() key: AuthenticatedKey) {
    return this.ticketBody(await this.tickets.update(id, body, key));
  }

  @Get(['tickets/:ticket_id/comments', 'tickets/:ticket_id/comments.json'])
  @ApiOperation({ summary: "A ticket's public comments: its description, the ENT's comments (channel api) and the replies written in Relais (channel web)" })
  @ApiParam({ name: 'ticket_id', description: 'Zendesk ticket id (a number)' })
  async comments(@Param('ticket_id', idParam) id: string, @ZendeskKey() key: AuthenticatedKey) {
    const comments = (await this.tickets.comments(id, key)).map(commentView);
    return { comments, count: comments.length, next_page: null, previous_page: null };
  }

  @Get(['incremental/tickets.json', 'incremental/tickets'])
  @ApiOperation({ summary: 'The escalated tickets changed after start_time, a page at a time, until end_of_stream' })
  @ApiQuery({ name: 'start_time', required: true })
  @ApiQuery({ name: 'include', required: false })
  async export(@Query(new ZodPipe(exportQuerySchema)) query: z.output<typeof exportQuerySchema>, @ZendeskKey() key: AuthenticatedKey) {
    const { page, tickets } = await this.tickets.export(query.start_time, key);
    return {
      tickets: tickets.map(({ link, ticket }) => ticketView(link, ticket, this.base)),
      count: tickets.length,
      end_of_stream: page.endOfStream,
      end_time: page.endTime,
      next_page: `${this.base}/incremental/tickets.json?start_time=${page.endTime}`,
    };
  }

  private ticketBody({ link, ticket }: EscalatedTicket) {
    return { ticket: ticketView(link, ticket, this.base) };
  }
}
