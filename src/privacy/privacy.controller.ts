import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiKeyGuard, Caller, CurrentCaller, RequireScopes } from '../auth/api-key.guard';
import { openApiSchema, ZodPipe } from '../common/http/zod-body.pipe';
import { PersonalData } from './personal-data.service';

/** The ENT user id of the person, as X-On-Behalf-Of takes it. */
const entUserIdParam = z.string().regex(/^[A-Za-z0-9._@:-]{3,128}$/, 'an ENT user id: 3 to 128 letters, digits or . _ @ : -');
const erasureSchema = z.object({ confirmation: z.string().regex(/^[0-9a-f]{32}$/, 'the confirmation of the preview') }).strict();

/**
 * The data protection officer's routes: a person's export (right of access)
 * and erasure (preview, then the erasure itself), each under its own scope.
 */
@ApiTags('privacy')
@ApiBearerAuth()
@Controller('api/v1/privacy/people')
@UseGuards(ApiKeyGuard)
export class PrivacyController {
  constructor(private readonly personalData: PersonalData) {}

  @Get(':entUserId/export')
  @RequireScopes('privacy:export')
  @ApiOperation({ summary: 'Every record that names the person, as one JSON document' })
  async export(@Param('entUserId', new ZodPipe(entUserIdParam)) entUserId: string) {
    return this.personalData.export(entUserId);
  }

  @Get(':entUserId/erasure')
  @RequireScopes('privacy:erase')
  @ApiOperation({ summary: 'What erasing the person would remove, anonymise and keep, with the confirmation to run it' })
  async preview(@Param('entUserId', new ZodPipe(entUserIdParam)) entUserId: string) {
    return this.personalData.preview(entUserId);
  }

  @Post(':entUserId/erasure')
  @HttpCode(200)
  @RequireScopes('privacy:erase')
  @ApiOperation({ summary: 'Erase the person as previewed, in one transaction; final, and recorded without personal data' })
  @ApiBody({ schema: openApiSchema(erasureSchema) })
  async erase(
    @Param('entUserId', new ZodPipe(entUserIdParam)) entUserId: string,
    @Body(new ZodPipe(erasureSchema)) body: z.output<typeof erasureSchema>,
    @CurrentCaller() caller: Caller,
  ) {
    return this.personalData.erase(entUserId, body.confirmation, `api-key:${caller.key.name}`);
  }
}
