import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { Clock } from '../../common/clock';
import { JsonLogger } from '../../common/logging/json-logger';
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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly approvals: ApprovalsService,
    private readonly actions: AccountActionsService,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.accounts.sweepMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  sweep(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<void> {
    try {
      for (const approval of await this.approvals.expireDue()) await this.actions.approvalExpired(approval);
      const dayAgo = new Date(this.clock.now().getTime() - DAY);
      await this.db.query(`DELETE FROM account_action_confirmations WHERE expires_at < $1`, [dayAgo]);
      await this.db.query(`DELETE FROM link_requests WHERE expires_at < $1`, [dayAgo]);
      await this.db.query(`DELETE FROM account_action_usage WHERE at < $1`, [new Date(dayAgo.getTime() - DAY)]);
    } catch (error) {
      // The next tick tries again; a closing pool at shutdown is not worth a line.
      if (this.timer) this.logger.event('warn', 'accounts.sweep_failed', { error: error instanceof Error ? error.message : String(error) }, 'ApprovalsSweeper');
    }
  }
}
