import { memoized } from '../../common/memoized';

export interface WorkingHours {
  /** IANA zone, e.g. 'Europe/Paris'. */
  timeZone: string;
  /** ISO weekdays that are worked, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** 'HH:MM' local opening time, e.g. '08:00'. */
  start: string;
  /** 'HH:MM' local closing time, e.g. '18:00'; '24:00' closes at midnight. Must come after `start`. */
  end: string;
  /** Local dates 'YYYY-MM-DD' that are not worked. */
  holidays: string[];
}

/** Opening and closing instants (epoch ms) of one local working day; open <= t < close is working time. */
interface Window {
  open: number;
  close: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const HH_MM = /^(\d{2}):(\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Bounded so that a long run of calls cannot grow memory without limit; a few years of days is plenty. */
const WINDOW_CACHE_SIZE = 2_000;
/** Zones change their offset on quarter hours, so one reading of the offset serves a whole quarter hour. */
const QUARTER_HOUR_MS = 15 * MINUTE_MS;
const OFFSET_CACHE_SIZE = 10_000;

/**
 * Working time in a time zone: opening hours on working days, minus holidays.
 *
 * Local days are identified by their day number (days since 1970-01-01 on the local calendar), so walking
 * from one day to the next is plain integer arithmetic. Each working day is turned into an opening and a
 * closing instant through the zone's UTC offset, read from Intl: daylight-saving changes then only move
 * those two instants, and the walk goes day by day rather than minute by minute.
 */
export class WorkingCalendar {
  private readonly openMinute: number;
  private readonly closeMinute: number;
  private readonly days: ReadonlySet<number>;
  private readonly holidays: ReadonlySet<number>;
  /** The longest run of consecutive non-working days possible; walking further means a bug, not a long weekend. */
  private readonly maxIdleDays: number;
  private readonly formatter: Intl.DateTimeFormat;
  /** Opening and closing instants of a local day, or null when the day is not worked. */
  private readonly window = memoized(
    (day: number): Window | null =>
      this.isWorkingDay(day)
        ? { open: this.instantOfWallClock(day * DAY_MS + this.openMinute * MINUTE_MS),
            close: this.instantOfWallClock(day * DAY_MS + this.closeMinute * MINUTE_MS) }
        : null,
    WINDOW_CACHE_SIZE,
  );
  /** How far local time is ahead of UTC in a quarter hour, in ms (read from Intl once per quarter hour: it is slow). */
  private readonly offsetInSlot = memoized((slot: number): number => {
    const at = slot * QUARTER_HOUR_MS;
    return this.readWallClock(at) - at;
  }, OFFSET_CACHE_SIZE);

  constructor(hours: WorkingHours) {
    this.openMinute = parseTime(hours.start, 'opening', false);
    this.closeMinute = parseTime(hours.end, 'closing', true);
    if (this.closeMinute <= this.openMinute) {
      throw new RangeError(`closing time '${hours.end}' must come after opening time '${hours.start}'`);
    }
    if (!Array.isArray(hours.days) || hours.days.length === 0) {
      throw new RangeError('working days must be a non-empty list of ISO weekdays (1 = Monday … 7 = Sunday)');
    }
    for (const day of hours.days) {
      if (!Number.isInteger(day) || day < 1 || day > 7) {
        throw new RangeError(`working day ${String(day)} is not an ISO weekday (1 = Monday … 7 = Sunday)`);
      }
    }
    this.days = new Set(hours.days);
    this.holidays = new Set((hours.holidays ?? []).map(parseDate));
    this.maxIdleDays = 7 + this.holidays.size;
    try {
      // hourCycle h23: some ICU versions print midnight as '24' with hour12: false.
      this.formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: hours.timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`unknown time zone '${hours.timeZone}': expected an IANA name such as 'Europe/Paris'`);
    }
  }

  /**
   * The instant reached after `ms` milliseconds of working time counted from `from` (time outside working
   * hours does not count). ms = 0 and `from` outside working hours returns the next opening instant;
   * ms = 0 inside working hours returns `from`. Time that runs out exactly at closing returns the closing instant.
   */
  addWorkingTime(from: Date, ms: number): Date {
    const start = instantOf(from, 'from');
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`working time must be a finite, non-negative number of ms: got ${ms}`);
    let remaining = ms;
    let idle = 0;
    for (let day = this.localDayOf(start); ; day++) {
      const window = this.window(day);
      // Strict comparison: at closing time the day is over, even for ms = 0.
      const begin = window ? Math.max(start, window.open) : 0;
      if (!window || begin >= window.close) {
        if (++idle > this.maxIdleDays) throw new Error('no working day found: the calendar has no working time left');
        continue;
      }
      idle = 0;
      const available = window.close - begin;
      if (remaining <= available) return new Date(begin + remaining);
      remaining -= available;
    }
  }

  /** Working milliseconds between two instants (0 if to <= from). */
  workingTimeBetween(from: Date, to: Date): number {
    const start = instantOf(from, 'from');
    const end = instantOf(to, 'to');
    if (end <= start) return 0;
    let total = 0;
    // Every working window overlapping [start, end) belongs to a local day between the two ends' days.
    const last = this.localDayOf(end);
    for (let day = this.localDayOf(start); day <= last; day++) {
      const window = this.window(day);
      if (window) total += Math.max(0, Math.min(end, window.close) - Math.max(start, window.open));
    }
    return total;
  }

  /** Whether the instant falls inside working hours (opening included, closing excluded). */
  isWorkingTime(at: Date): boolean {
    const t = instantOf(at, 'at');
    const window = this.window(this.localDayOf(t));
    return window !== null && t >= window.open && t < window.close;
  }

  private isWorkingDay(day: number): boolean {
    // Day 0 (1970-01-01) was a Thursday, ISO weekday 4.
    const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
    return this.days.has(weekday) && !this.holidays.has(day);
  }

  /** The local day number of an instant. */
  private localDayOf(t: number): number {
    return Math.floor(this.wallClockOf(t) / DAY_MS);
  }

  /** The local wall-clock time at instant t, written as if it were UTC epoch ms (whole seconds). */
  private wallClockOf(t: number): number {
    return Math.floor(t / 1000) * 1000 + this.offsetAt(t);
  }

  /** How far local time is ahead of UTC at instant t, in ms. */
  private offsetAt(t: number): number {
    return this.offsetInSlot(Math.floor(t / QUARTER_HOUR_MS));
  }

  /** The wall-clock time Intl shows at instant t, as UTC epoch ms. */
  private readWallClock(t: number): number {
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    for (const part of this.formatter.formatToParts(new Date(t))) {
      switch (part.type) {
        case 'year': year = Number(part.value); break;
        case 'month': month = Number(part.value); break;
        case 'day': day = Number(part.value); break;
        case 'hour': hour = Number(part.value); break;
        case 'minute': minute = Number(part.value); break;
        case 'second': second = Number(part.value); break;
      }
    }
    // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
    const wall = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
    wall.setUTCFullYear(year);
    return wall.getTime();
  }

  /**
   * The instant a local wall-clock time names. Offsets are read a day before and a day after (no zone changes
   * twice within two days), and each is kept if the instant it gives really shows that wall-clock time.
   * Both valid: the time occurs twice (autumn), take the first. Neither: it falls in the spring gap, and the
   * offset from before the change moves it forward by the gap's length, like a clock that was not yet set.
   */
  private instantOfWallClock(wall: number): number {
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    const early = wall - before;
    if (before === after) return early;
    const late = wall - after;
    const earlyValid = this.offsetAt(early) === before;
    const lateValid = this.offsetAt(late) === after;
    if (earlyValid && lateValid) return Math.min(early, late);
    if (earlyValid) return early;
    if (lateValid) return late;
    return early;
  }
}

/** Minutes since midnight of an 'HH:MM' time; '24:00' only where it closes the day. */
function parseTime(value: string, label: string, allowMidnightEnd: boolean): number {
  const match = typeof value === 'string' ? HH_MM.exec(value) : null;
  const hours = match ? Number(match[1]) : NaN;
  const minutes = match ? Number(match[2]) : NaN;
  const valid = (hours < 24 && minutes < 60) || (allowMidnightEnd && hours === 24 && minutes === 0);
  const range = allowMidnightEnd ? '00:00 and 24:00' : '00:00 and 23:59';
  if (!valid) throw new RangeError(`${label} time must be 'HH:MM' between ${range}: got '${String(value)}'`);
  return hours * 60 + minutes;
}

/** Local day number of a 'YYYY-MM-DD' holiday; rejects dates that do not exist, such as 2026-02-30. */
function parseDate(value: string): number {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (match) {
    const date = new Date(Date.UTC(2000, Number(match[2]) - 1, Number(match[3])));
    date.setUTCFullYear(Number(match[1]));
    if (date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3])) return date.getTime() / DAY_MS;
  }
  throw new RangeError(`holiday must be a real date 'YYYY-MM-DD': got '${String(value)}'`);
}

function instantOf(date: Date, name: string): number {
  const t = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(t)) throw new RangeError(`'${name}' must be a valid Date`);
  return t;
}
