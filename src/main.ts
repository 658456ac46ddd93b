import { createApp } from './bootstrap';
import { ConfigError, describeConfig, loadConfig } from './config/config';
import { JsonLogger } from './common/logging/json-logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger(config.logLevel, config.logStream);
  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  logger.event('info', 'relais.started', { url: await app.getUrl(), ...describeConfig(config) }, 'Main');
}

main().catch((error: unknown) => {
  // Config errors name variables and problems only, never values.
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error);
  new JsonLogger('error').event('error', 'relais.boot_failed', { error: message }, 'Main');
  process.exit(1);
});
