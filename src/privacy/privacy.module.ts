import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { TicketsModule } from '../tickets/tickets.module';
import { PersonalData } from './personal-data.service';
import { PrivacyController } from './privacy.controller';
import { Retention } from './retention.service';

/** Personal data: retention, export and erasure (issue 18; register in docs/privacy.md). */
@Module({
  imports: [TicketsModule, AuthModule],
  controllers: [PrivacyController],
  providers: [PersonalData, Retention],
  exports: [PersonalData, Retention],
})
export class PrivacyModule {}
