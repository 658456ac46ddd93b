import { LoggerService } from '@nestjs/common';

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_RANK: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * Structured JSON logs, one line per entry on stdout (stderr for errors).
 * Callers pass fields, never request bodies or secrets.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly minLevel: Level | 'silent' = 'info') {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  /** Structured entry: `logger.event('info', 'ticket.created', { reference })`. */
  event(level: Level, msg: string, fields: Record<string, unknown> = {}, context?: string): void {
    if (LEVEL_RANK[level] < LEVEL_RANK[this.minLevel]) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, context, msg, ...fields });
    (level === 'error' ? process.stderr : process.stdout).write(line + '\n');
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    // Nest calls log(message, context) and error(message, stack, context).
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (message instanceof Error) {
      fields.error = message.message;
      fields.stack = message.stack;
    } else if (message !== null && typeof message === 'object') {
      Object.assign(fields, message);
    }
    if (level === 'error' && typeof rest[0] === 'string') fields.stack = rest[0];
    const msg = typeof message === 'string' ? message : message instanceof Error ? message.message : '';
    this.event(level, msg, fields, context);
  }
}
