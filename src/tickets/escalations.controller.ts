import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, CurrentCaller, RequireScopes } from '../auth/api-key.guard';
import { openApiSchema, ZodPipe } from '../common/http/zod-body.pipe';
import { EscalationInput, escalationSchema } from './dto/escalation.schemas';
import { referenceSchema } from './dto/ticket.schemas';
import { TicketCommands } from './ticket-commands.service';
import { TicketViewers } from './ticket-viewers.service';
import { ticketView } from './ticket.view';

const referenceParam = new ZodPipe(referenceSchema);

@ApiTags('tickets')
@ApiBearerAuth()
@ApiHeader({ name: 'X-On-Behalf-Of', required: true, description: 'ENT user id of the person who escalates' })
@Controller('api/v1/tickets')
@UseGuards(ApiKeyGuard)
export class EscalationsController {
  constructor(
    private readonly commands: TicketCommands,
    private readonly viewers: TicketViewers,
  ) {}

  @Post(':reference/escalations')
  @HttpCode(200)
  @RequireScopes('tickets:write')
  @ApiOperation({ summary: 'Escalate one tier up (school → ERUN → academic support), with a reason' })
  @ApiBody({ schema: openApiSchema(escalationSchema) })
  async escalate(
    @Param('reference', referenceParam) reference: string,
    @Body(new ZodPipe(escalationSchema)) body: EscalationInput,
    @CurrentCaller() caller: Caller,
  ) {
    const { ticket } = await this.commands.escalate(reference, body.reason, await this.viewers.personOfCaller(caller));
    return ticketView(ticket);
  }

  @Post(':reference/forward')
  @HttpCode(200)
  @RequireScopes('tickets:write')
  @ApiOperation({ summary: "Forward to the ENT editor's support (director or ENT admin of the school), with a reason" })
  @ApiBody({ schema: openApiSchema(escalationSchema) })
  async forward(
    @Param('reference', referenceParam) reference: string,
    @Body(new ZodPipe(escalationSchema)) body: EscalationInput,
    @CurrentCaller() caller: Caller,
  ) {
    const { ticket } = await this.commands.forward(reference, body.reason, await this.viewers.personOfCaller(caller));
    return ticketView(ticket);
  }
}
