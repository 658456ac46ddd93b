import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors';
import { openApiSchema, parseOrThrow } from '../common/http/zod-body.pipe';
import { statusFromCode } from '../tickets/ticket-status';
import { TicketSources } from '../tickets/ticket-sources.service';
import { entTicketSchema, sourceUpdateOf } from './dto/ent-ticket.schema';
import { checkRelaisSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../common/relais-signature';

@ApiTags('intake')
@Controller('api/v1/intake/ent')
export class EntIntakeController {
  constructor(
    private readonly sources: TicketSources,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  @Post('tickets')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive a ticket created or updated in the ENT support module',
    description: 'Signed: X-Relais-Signature = "sha256=" + hex HMAC-SHA256(secret, "<X-Relais-Timestamp>.<raw body>"); requests older than 5 minutes are refused. Idempotent on the ENT ticket id.',
  })
  @ApiHeader({ name: 'X-Relais-Timestamp', description: 'unix time in seconds' })
  @ApiHeader({ name: 'X-Relais-Signature', description: 'sha256=<hex>' })
  @ApiBody({ schema: openApiSchema(entTicketSchema) })
  async receive(@Req() req: Request & { rawBody?: Buffer }, @Res({ passthrough: true }) res: Response) {
    const { secret, maxAgeSeconds } = this.config.entIntake;
    if (!secret) throw new DomainError('ENT_INTAKE_DISABLED', 'The ENT intake is not configured (ENT_INTAKE_SECRET).');
    const check = checkRelaisSignature(
      secret,
      { signature: req.header(SIGNATURE_HEADER), timestamp: req.header(TIMESTAMP_HEADER) },
      req.rawBody ?? Buffer.alloc(0),
      Math.floor(this.clock.now().getTime() / 1000),
      maxAgeSeconds,
    );
    if (check === 'stale') throw new DomainError('ENT_REQUEST_STALE', `The request timestamp is more than ${maxAgeSeconds} s away.`);
    if (check !== 'ok') throw new DomainError('ENT_SIGNATURE_INVALID', 'The request signature is missing or wrong.');
    const { ticket, created } = await this.sources.apply(sourceUpdateOf(parseOrThrow(entTicketSchema, req.body)));
    res.status(created ? 201 : 200);
    return { id: ticket.id, reference: ticket.reference, status: statusFromCode(ticket.status), created };
  }
}
