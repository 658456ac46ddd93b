import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module';
import { EntIntakeController } from './ent-intake.controller';

@Module({ imports: [TicketsModule], controllers: [EntIntakeController] })
export class EntModule {}
