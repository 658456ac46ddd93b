import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { JobQueue } from '../queue/job-queue.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queue: JobQueue,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Database and queue reachability; 503 when either is down' })
  async check(@Res({ passthrough: true }) res: Response) {
    const driver = this.config.database.kind;
    const database = await this.db
      .query('SELECT 1 AS ok')
      .then(() => ({ driver, ok: true }))
      .catch((error: Error) => ({ driver, ok: false, detail: error.message }));
    const queue = await this.queue.health();
    const ok = database.ok && queue.ok;
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', database, queue };
  }
}
