import { Module } from '@nestjs/common';
import { AdminActionsModule } from '../admin-actions/admin-actions.module';
import { EntPortModule } from '../ent/ent-port.module';
import { TicketsModule } from '../tickets/tickets.module';
import { DemoIdentities } from './demo-identities.service';
import { DemoSeeder } from './demo-seeder.service';

@Module({ imports: [TicketsModule, AdminActionsModule, EntPortModule], providers: [DemoSeeder, DemoIdentities], exports: [DemoIdentities] })
export class DemoModule {}
