import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module';
import { EntIntakeController } from './ent-intake.controller';
import { EntIntakeService } from './ent-intake.service';

@Module({ imports: [TicketsModule], controllers: [EntIntakeController], providers: [EntIntakeService] })
export class EntModule {}
