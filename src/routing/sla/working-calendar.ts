export interface WorkingHours {
  /** IANA zone, e.g. 'Europe/Paris'. */
  timeZone: string;
  /** ISO weekdays that are worked, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** 'HH:MM' local opening and closing times. */
  start: string;
  end: string;
  /** Local dates 'YYYY-MM-DD' that are not worked. */
  holidays: string[];
}

interface LocalDay {
  y: number;
  m: number;
  d: number;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;
/** Enough for any SLA; a longer walk means a calendar with no working day at all. */
const MAX_DAYS = 3_660;

/**
 * Working time in a time zone: opening hours on working days, minus holidays.
 * Days are walked one at a time (not minutes), and local wall-clock times are
 * turned into instants through the zone's offset, so daylight-saving changes
 * are handled by the platform's time-zone data.
 */
export class WorkingCalendar {
  private readonly openMinute: number;
  private readonly closeMinute: number;
  private readonly days: Set<number>;
  private readonly holidays: Set<string>;
  private readonly parts: Intl.DateTimeFormat;

  constructor(hours: WorkingHours) {
    const open = HH_MM.exec(hours.start);
    const close = HH_MM.exec(hours.end);
    if (!open || !close) throw new RangeError(`working hours must be 'HH:MM': got '${hours.start}' and '${hours.end}'`);
    this.openMinute = Number(open[1]) * 60 + Number(open[2]);
    this.closeMinute = Number(close[1]) * 60 + Number(close[2]);
    if (this.closeMinute <= this.openMinute) throw new RangeError(`closing time ${hours.end} must come after opening time ${hours.start}`);
    if (hours.days.length === 0 || hours.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
      throw new RangeError('working days must be a non-empty list of ISO weekdays (1 = Monday … 7 = Sunday)');
    }
    this.days = new Set(hours.days);
    this.holidays = new Set(hours.holidays);
    try {
      this.parts = new Intl.DateTimeFormat('en-US', {
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
      throw new RangeError(`unknown time zone '${hours.timeZone}'`);
    }
  }

  addWorkingTime(from: Date, ms: number): Date {
    let remaining = Math.max(0, ms);
    let day = this.localDay(from.getTime());
    let cursor = from.getTime();
    for (let i = 0; i < MAX_DAYS; i++, day = nextDay(day)) {
      const window = this.window(day);
      if (!window) continue;
      const start = Math.max(cursor, window.open);
      if (start >= window.close) continue;
      if (remaining <= window.close - start) return new Date(start + remaining);
      remaining -= window.close - start;
      cursor = start;
    }
    throw new RangeError('no working time found within ten years: check the working days and holidays');
  }

  workingTimeBetween(from: Date, to: Date): number {
    const end = to.getTime();
    let total = 0;
    let day = this.localDay(from.getTime());
    for (let i = 0; i < MAX_DAYS; i++, day = nextDay(day)) {
      const window = this.window(day) ?? this.bounds(day);
      if (window.open >= end) break;
      if (this.isWorkingDay(day)) total += Math.max(0, Math.min(end, window.close) - Math.max(from.getTime(), window.open));
    }
    return total;
  }

  isWorkingTime(at: Date): boolean {
    const window = this.window(this.localDay(at.getTime()));
    return window !== null && at.getTime() >= window.open && at.getTime() < window.close;
  }

  private isWorkingDay(day: LocalDay): boolean {
    const weekday = ((new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay() + 6) % 7) + 1;
    return this.days.has(weekday) && !this.holidays.has(isoDate(day));
  }

  /** Opening and closing instants of a local day, or null when it is not worked. */
  private window(day: LocalDay): { open: number; close: number } | null {
    return this.isWorkingDay(day) ? this.bounds(day) : null;
  }

  private bounds(day: LocalDay): { open: number; close: number } {
    return { open: this.instant(day, this.openMinute), close: this.instant(day, this.closeMinute) };
  }

  private localDay(t: number): LocalDay {
    const p = this.local(t);
    return { y: p.y, m: p.m, d: p.d };
  }

  private local(t: number) {
    const parts: Record<string, number> = {};
    for (const part of this.parts.formatToParts(new Date(t))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    return { y: parts.year, m: parts.month, d: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
  }

  /** The instant a local wall-clock time names: the zone's offset is read at a first guess, then corrected once. */
  private instant(day: LocalDay, minuteOfDay: number): number {
    const wall = Date.UTC(day.y, day.m - 1, day.d, 0, minuteOfDay);
    let guess = wall - this.offset(wall);
    guess = wall - this.offset(guess);
    return guess;
  }

  /** How far local time is ahead of UTC at instant t. */
  private offset(t: number): number {
    const p = this.local(t);
    return Date.UTC(p.y, p.m - 1, p.d, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
  }
}

function nextDay(day: LocalDay): LocalDay {
  const next = new Date(Date.UTC(day.y, day.m - 1, day.d) + DAY_MS);
  return { y: next.getUTCFullYear(), m: next.getUTCMonth() + 1, d: next.getUTCDate() };
}

function isoDate(day: LocalDay): string {
  return `${day.y}-${String(day.m).padStart(2, '0')}-${String(day.d).padStart(2, '0')}`;
}
