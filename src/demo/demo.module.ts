import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module';
import { DemoSeeder } from './demo-seeder.service';

@Module({ imports: [TicketsModule], providers: [DemoSeeder] })
export class DemoModule {}
