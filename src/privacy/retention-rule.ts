import { AppConfig } from '../config/config';

export type RetentionRule = AppConfig['privacy']['retention'];

/** Milliseconds `timeZone` is ahead of UTC at `at`. */
function offsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** Midnight starting the given local day in `timeZone`, as an instant. */
function localMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - offsetMs(new Date(guess), timeZone);
  // Again at the instant found, in case daylight saving changed in between.
  return new Date(guess - offsetMs(new Date(first), timeZone));
}

/**
 * The instant before which a record's last activity (a ticket's closing, a
 * conversation's last turn) must lie for the record to go now: with the
 * school-year rule, the most recent end of a school year (the day after
 * `endsOn`, at midnight in `timeZone`) at or before `now`; with a number of
 * days, `now` minus those days.
 */
export function retentionCutoff(now: Date, rule: RetentionRule, timeZone: string): Date {
  if (rule.kind === 'days') return new Date(now.getTime() - rule.days * 86_400_000);
  const [month, day] = rule.endsOn.split('-').map(Number);
  const localYear = Number(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(now));
  for (const year of [localYear, localYear - 1]) {
    const end = localMidnight(year, month, day + 1, timeZone);
    if (end.getTime() <= now.getTime()) return end;
  }
  return localMidnight(localYear - 2, month, day + 1, timeZone);
}
