import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { ApiKeyGuard, RequireScopes } from '../auth/api-key.guard';
import { openApiSchema, ZodPipe } from '../common/http/zod-body.pipe';
import { AssistService } from './assist.service';
import { answerIdSchema, AssistInput, assistSchema, FeedbackInput, feedbackSchema, StatsQuery, statsQuerySchema } from './dto/assist.schemas';

@ApiTags('knowledge base')
@ApiBearerAuth()
@Controller('api/v1/assist')
@UseGuards(ApiKeyGuard)
@RequireScopes('kb:assist')
export class KbController {
  constructor(private readonly assistant: AssistService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Understand a question and answer it for the person’s profile, or say a ticket is needed' })
  @ApiBody({ schema: openApiSchema(assistSchema) })
  assist(@Body(new ZodPipe(assistSchema)) body: AssistInput) {
    return this.assistant.assist(body);
  }

  @Post(':answerId/feedback')
  @ApiOperation({ summary: 'Record whether an answer helped (201 the first time, 200 when changed)' })
  @ApiBody({ schema: openApiSchema(feedbackSchema) })
  async feedback(
    @Param('answerId', new ZodPipe(answerIdSchema)) answerId: string,
    @Body(new ZodPipe(feedbackSchema)) body: FeedbackInput,
    @Res({ passthrough: true }) res: Response,
  ) {
    const first = await this.assistant.feedback(answerId, body.helpful);
    res.status(first ? 201 : 200);
    return { answerId, helpful: body.helpful };
  }

  @Get('stats')
  @ApiOperation({ summary: 'Answers given and deflection per intent' })
  stats(@Query(new ZodPipe(statsQuerySchema)) query: StatsQuery) {
    return this.assistant.stats(query);
  }
}
