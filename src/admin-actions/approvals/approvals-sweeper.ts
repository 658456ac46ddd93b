import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { Clock } from '../../common/clock';
import { JsonLogger } from '../../common/logging/json-logger';
import { PeriodicTask } from '../../common/periodic-task';
import { AccountActionsService } from '../account-actions.service';
import { ApprovalsService } from './approvals.service';

const DAY = 86_400_000;

/**
 * A timer per process: withdraws approvals nobody decided in a day (each
 * claimed by one conditional update, so replicas never both handle one) and
 * forgets spent confirmations, links and counted uses.
 */
@Injectable()
export class ApprovalsSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly approvals: ApprovalsService,
    private readonly actions: AccountActionsService,
    private readonly clock: Clock,
    logger: JsonLogger,
  ) {
    this.task = new PeriodicTask('accounts.sweep', config.accounts.sweepMs, () => this.sweep(), logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  private async sweep(): Promise<void> {
    for (const approval of await this.approvals.expireDue()) await this.actions.approvalExpired(approval);
    const dayAgo = new Date(this.clock.now().getTime() - DAY);
    await this.db.query(`DELETE FROM account_action_confirmations WHERE expires_at < $1`, [dayAgo]);
    await this.db.query(`DELETE FROM link_requests WHERE expires_at < $1`, [dayAgo]);
    await this.db.query(`DELETE FROM account_action_usage WHERE at < $1`, [new Date(dayAgo.getTime() - DAY)]);
  }
}
