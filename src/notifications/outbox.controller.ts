import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, RequireScopes } from '../auth/api-key.guard';
import { DomainError } from '../common/errors';
import { OutboxEntity } from './outbox.entity';
import { OutboxService } from './outbox.service';

function deadLetterView(row: OutboxEntity) {
  return {
    id: row.id,
    ticketId: row.ticketId,
    event: row.eventType,
    address: row.address,
    channel: row.channel,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
  };
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
@UseGuards(ApiKeyGuard)
export class OutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get('dead-letters')
  @RequireScopes('notifications:manage')
  @ApiOperation({ summary: 'Notifications that spent all their delivery attempts' })
  async deadLetters() {
    return { items: (await this.outbox.deadLetters()).map(deadLetterView) };
  }

  @Post('dead-letters/:id/retry')
  @HttpCode(202)
  @RequireScopes('notifications:manage')
  @ApiOperation({ summary: 'Give a dead notification a fresh set of attempts' })
  async retry(@Param('id', new ParseUUIDPipe()) id: string) {
    if (!(await this.outbox.retry(id))) throw new DomainError('NOTIFICATION_NOT_FOUND', `No dead notification ${id}.`);
    return { id, state: 'pending' };
  }
}
