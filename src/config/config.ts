import { AppConfig, envSchema, SENSITIVE_ENV_KEYS } from './config.schema';

export class ConfigError extends Error {}

/** Parses the environment; the error names the variables and the problem, never their values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** A description of the configuration that is safe to log. */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  return {
    database: config.database.kind === 'postgres' ? 'postgres (DATABASE_URL)' : `pglite (${config.database.dataDir})`,
    queue: config.queue.kind === 'bull' ? 'bull (REDIS_URL)' : 'in-process',
    demoData: config.demoData,
    entIntake: config.entIntake.secret ? 'enabled' : 'disabled (ENT_INTAKE_SECRET unset)',
    discord: config.discord ? 'enabled' : 'disabled (DISCORD_TOKEN unset)',
    slack: config.slack ? 'enabled' : 'disabled (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET unset)',
    sensitiveKeysSet: SENSITIVE_ENV_KEYS.filter((key) => process.env[key] !== undefined),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
export type { AppConfig };
