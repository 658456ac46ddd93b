import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** The project root (where `dist/` is), from test/support or from its compiled copy under dist-bench/. */
export const ROOT = projectRoot(__dirname);

function projectRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nest-cli.json'))) return dir;
  }
  throw new Error(`no project root above ${from}`);
}

/** The built service (`npm test` builds first), run as its own process the way production runs it. */
export class ServiceProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** `nodeArgs`: flags for node itself, e.g. `--cpu-prof` when a bench profiles the service. */
  static start(env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<ServiceProcess> {
    const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/main.js')], {
      cwd: ROOT,
      env: { ...env, LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1' }, // info: the start event carries the URL
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      const output: string[] = [];
      const timer = setTimeout(() => fail(new Error('the service did not start in 30 s')), 30_000);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${error.message}\n${output.join('\n')}`));
      };
      child.once('exit', (code) => fail(new Error(`the service exited with code ${code}`)));
      child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        output.push(line);
        const event = safeJson(line);
        if (event?.msg === 'relais.started' && typeof event.url === 'string') {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          // From now on the logs are drained unread: parsing them cost a bench's load generator a tenth of its CPU.
          lines.close();
          child.stdout!.resume();
          resolve(new ServiceProcess(child, event.url.replace('[::1]', '127.0.0.1')));
        }
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGTERM: a graceful stop (shutdown hooks run, a CPU profile is written). */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }

  /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
  kill(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}

function safeJson(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Creates an API key with the real CLI, the way an operator does. */
export function createApiKey(env: NodeJS.ProcessEnv): string {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'dist/auth/cli/api-key.js'), 'create', '--name', 'test client', '--scopes', 'tickets:read,tickets:write,tickets:read_all,act_as'],
    { cwd: ROOT, env, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`api-key CLI failed: ${result.stderr}`);
  return (JSON.parse(result.stdout.trim()) as { key: string }).key;
}
