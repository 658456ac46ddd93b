import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { JsonLogger } from './json-logger';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('JsonLogger', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes the lines of one turn of the event loop in one write, in order', async () => {
    const writes: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
    const a = new JsonLogger('info');
    const b = new JsonLogger('info');
    a.event('info', 'first', { n: 1 });
    b.event('warn', 'second', { n: 2 });
    a.event('debug', 'below the level');
    a.event('info', 'third', { n: 3 });
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toHaveLength(1);
    const lines = writes[0].trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.msg, l.n, l.level])).toEqual([
      ['first', 1, 'info'],
      ['second', 2, 'warn'],
      ['third', 3, 'info'],
    ]);
  });

  it('writes errors to stderr at once', () => {
    const errors: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (errors.push(String(chunk)), true));
    new JsonLogger('info').event('error', 'broken', { code: 'X' });
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0])).toMatchObject({ level: 'error', msg: 'broken', code: 'X' });
  });

  it('loses no line when the process exits right after logging', () => {
    // The logger as Node runs it, in a process of its own that exits in the same turn as it logs.
    const dir = mkdtempSync(join(tmpdir(), 'relais-logger-'));
    try {
      const source = readFileSync(join(__dirname, 'json-logger.ts'), 'utf8');
      const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
      writeFileSync(join(dir, 'json-logger.js'), outputText);
      const script = `const { JsonLogger } = require(${JSON.stringify(join(dir, 'json-logger.js'))});
        const logger = new JsonLogger('info');
        for (let i = 0; i < 3; i++) logger.event('info', 'last words', { i });
        process.exit(3);`;
      const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(child.status).toBe(3);
      expect(child.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).i)).toEqual([0, 1, 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
