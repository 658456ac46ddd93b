import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/** The rules of the house that no compiler checks, read from the sources themselves. */
const SRC = join(__dirname, '..', 'src');

function sources(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The capability folder of a file under src/ (`tickets`, `kb`…); null for the files at the root (main, app module). */
function folderOf(file: string): string | null {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? parts[0] : null;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => normalize(join(dirname(file), m[1])));
}

/** Writes to the ticket tables: SQL statements, or TypeORM writes naming one of their entities. */
const TICKET_WRITES = [
  /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(tickets|ticket_messages|ticket_events)\b/i,
  /\.(insert|update|save|delete|remove|upsert|softDelete)\(\s*(TicketEntity|TicketMessageEntity|TicketEventEntity)\b/,
  /getRepository\(\s*(TicketEntity|TicketMessageEntity|TicketEventEntity)\s*\)\s*\.\s*(insert|update|save|delete|remove|upsert)\(/,
];

function writesTickets(file: string): boolean {
  const text = readFileSync(file, 'utf8');
  return TICKET_WRITES.some((pattern) => pattern.test(text));
}

describe('architecture', () => {
  const files = sources();

  it('has one writer of tickets, messages and events: src/tickets/', () => {
    const writers = files.filter(writesTickets).map((f) => relative(SRC, f));
    // The check sees the writer itself, so it would see another one.
    expect(writers).toContain(join('tickets', 'ticket-writer.ts'));
    // Migrations shape the schema (and may set a column once); they are not a second writer at run time.
    expect(writers.filter((f) => folderOf(join(SRC, f)) !== 'tickets' && !f.startsWith(join('database', 'migrations')))).toEqual([]);
  });

  it('has no folders that import each other, directly or around a loop', () => {
    const graph = new Map<string, Set<string>>();
    for (const file of files) {
      const from = folderOf(file);
      if (!from) continue;
      for (const target of importsOf(file)) {
        const to = target.startsWith(SRC + sep) ? folderOf(target) : null;
        if (to && to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to));
      }
    }
    // The graph is real: the tickets module uses routing, notifications use tickets.
    expect(graph.get('tickets')).toContain('routing');
    expect(graph.get('notifications')).toContain('tickets');
    const loops: string[] = [];
    const visit = (folder: string, path: string[]) => {
      if (path.includes(folder)) return loops.push([...path.slice(path.indexOf(folder)), folder].join(' → '));
      for (const next of graph.get(folder) ?? []) visit(next, [...path, folder]);
    };
    for (const folder of graph.keys()) visit(folder, []);
    expect([...new Set(loops)]).toEqual([]);
  });
});
