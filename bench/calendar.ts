/**
 * Working-time arithmetic speed: how long the SLA calendar takes to walk a
 * school year in Europe/Paris (weekdays, holidays, daylight saving), cold
 * (a new calendar: nothing cached) and warm (the same walk again).
 *
 *   npm run bench:calendar    (BENCH_ROUNDS, default 20)
 */
import { performance } from 'node:perf_hooks';
import { loadRoutingRules } from '../src/routing/routing-rules';
import { WorkingCalendar } from '../src/routing/sla/working-calendar';
import { percentile } from './load';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const FROM = new Date('2026-09-01T06:00:00Z');
const TO = new Date('2027-07-04T16:00:00Z');
const DAYS = (TO.getTime() - FROM.getTime()) / 86_400_000;

function main(): void {
  const { workingHours, holidays } = loadRoutingRules().sla;
  const cold: number[] = [];
  const warm: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const calendar = new WorkingCalendar({ ...workingHours, holidays });
    let started = performance.now();
    calendar.workingTimeBetween(FROM, TO);
    cold.push(performance.now() - started);
    started = performance.now();
    calendar.workingTimeBetween(FROM, TO);
    warm.push(performance.now() - started);
  }
  for (const [label, times] of [['cold', cold], ['warm', warm]] as const) {
    const p50 = percentile(times, 50);
    console.log(
      `working time over a school year (${Math.round(DAYS)} days), ${label}: p50=${p50.toFixed(3)}ms p99=${percentile(times, 99).toFixed(3)}ms ` +
        `(${((p50 * 1000) / DAYS).toFixed(1)} µs per day walked, ${ROUNDS} rounds)`,
    );
  }
}

main();
