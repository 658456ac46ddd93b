import { LoggerService } from '@nestjs/common';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * The lines written during one turn of the event loop leave in one write:
 * stdout to a pipe is synchronous in Node, so each line (one per HTTP request)
 * cost a system call and woke the reader. Shared by every logger, so lines keep
 * their order; whatever is pending is written when the process exits.
 */
class LineBuffer {
  private pending: string[] = [];

  constructor(private readonly stream: NodeJS.WriteStream) {
    process.once('exit', () => this.flush());
  }

  write(line: string): void {
    this.pending.push(line);
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.stream.write(text);
  }
}

const stdoutLines = new LineBuffer(process.stdout);
const stderrLines = new LineBuffer(process.stderr);

const LEVEL_RANK: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * Structured JSON logs, one line per entry on stdout (stderr for errors,
 * written at once), or everything on stderr when stdout carries a protocol
 * (the chat command's JSON lines). Callers pass fields, never request bodies or secrets.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly minLevel: Level | 'silent' = 'info',
    private readonly stream: 'stdout' | 'stderr' = 'stdout',
  ) {}

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
    if (level === 'error') process.stderr.write(line + '\n');
    else (this.stream === 'stderr' ? stderrLines : stdoutLines).write(line + '\n');
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
