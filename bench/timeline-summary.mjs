#!/usr/bin/env node
/**
 * Summarises a BENCH_TIMELINE file of bench:intake by time slot: calls, p50,
 * slowest, and how many took over a bar. Stalls (a slot where every call is
 * slow) show apart from a tail spread over the whole run.
 * Usage: node bench/timeline-summary.mjs file [slotMs=250] [barMs=40]
 */
import { readFileSync } from 'node:fs';

const [file, slotArg, barArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/timeline-summary.mjs file [slotMs] [barMs]');
  process.exit(2);
}
const slotMs = Number(slotArg ?? 250);
const barMs = Number(barArg ?? 40);
const calls = JSON.parse(readFileSync(file, 'utf8'));
const start = Math.min(...calls.map(([at]) => at));
const slots = new Map();
for (const [at, latency] of calls) {
  const slot = Math.floor((at - start) / slotMs);
  if (!slots.has(slot)) slots.set(slot, []);
  slots.get(slot).push(latency);
}
for (const [slot, latencies] of [...slots].sort((a, b) => a[0] - b[0])) {
  latencies.sort((a, b) => a - b);
  const over = latencies.filter((l) => l > barMs).length;
  console.log(
    `${String(slot * slotMs).padStart(7)} ms  calls=${String(latencies.length).padStart(4)}  p50=${latencies[latencies.length >> 1].toFixed(1).padStart(6)}  max=${latencies[latencies.length - 1].toFixed(1).padStart(6)}  over ${barMs} ms=${over}`,
  );
}
