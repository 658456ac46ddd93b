import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (ms) used so far, per part of the system under test. */
export type CpuTimes = Record<string, number>;

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

/**
 * Reads /proc (Linux only; empty elsewhere): CPU time of the service process,
 * of PostgreSQL and Redis (by process name, all their processes) and of this
 * load generator. Taken before and after a run, it shows what each creation
 * costs every part of the machine, which latency alone does not say.
 */
export function cpuTimes(servicePid: number | undefined): CpuTimes {
  const times: CpuTimes = {};
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return times;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const part = partOf(Number(pid), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), servicePid);
    if (!part) continue;
    // utime and stime are the 14th and 15th fields of the line, the 12th and 13th after the (name).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    times[part] = (times[part] ?? 0) + (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  }
  return times;
}

function partOf(pid: number, name: string, servicePid: number | undefined): string | null {
  if (pid === servicePid) return 'service';
  if (pid === process.pid) return 'load generator';
  if (name.startsWith('postgres')) return 'postgres';
  if (name.startsWith('redis')) return 'redis';
  return null;
}

const PARTS = ['service', 'postgres', 'redis', 'load generator'];

/** "service=520 postgres=230 …" in µs of CPU per call between two readings; idle parts (under 5 µs) left out. */
export function cpuPerCall(before: CpuTimes, after: CpuTimes, calls: number): string {
  if (calls === 0) return '';
  return PARTS.map((part) => [part, (1000 * ((after[part] ?? 0) - (before[part] ?? 0))) / calls] as const)
    .filter(([, micros]) => micros >= 5)
    .map(([part, micros]) => `${part}=${micros.toFixed(0)}`)
    .join(' ');
}

/**
 * Waits until the service has done the work a run left behind (the relay, notification jobs),
 * that is until it uses under `share` of a core over `windowMs`, or `maxMs` have passed; returns
 * the wait in ms (0 off Linux, where there is nothing to read). The next run then measures its
 * own load, not the last one's backlog, and CPU per call includes each call's asynchronous work.
 */
export async function settled(servicePid: number | undefined, { windowMs = 500, share = 0.05, maxMs = 30_000 } = {}): Promise<number> {
  const started = Date.now();
  let last = cpuTimes(servicePid).service;
  if (last === undefined) return 0;
  while (Date.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const now = cpuTimes(servicePid).service ?? last;
    if (now - last < share * windowMs) break;
    last = now;
  }
  return Date.now() - started;
}
