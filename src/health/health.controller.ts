import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { withTimeout } from '../common/with-timeout';
import { JobQueue } from '../queue/job-queue.service';

/** Each check answers within this, so /health answers within about a second whatever is down. */
const CHECK_TIMEOUT_MS = 800;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queue: JobQueue,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Database and queue reachability; 503 "degraded" naming what is down' })
  async check(@Res({ passthrough: true }) res: Response) {
    const driver = this.config.database.kind;
    const [database, queue] = await Promise.all([
      withTimeout(this.db.query('SELECT 1 AS ok'), CHECK_TIMEOUT_MS, 'database')
        .then(() => ({ driver, ok: true }))
        .catch((error: Error) => ({ driver, ok: false, detail: error.message })),
      this.queue.health(),
    ]);
    const down = [...(database.ok ? [] : ['database']), ...(queue.ok ? [] : ['queue'])];
    res.status(down.length ? 503 : 200);
    return { status: down.length ? 'degraded' : 'ok', down, database, queue };
  }
}
