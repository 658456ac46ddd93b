import { WorkingCalendar } from './working-calendar';

const paris = new WorkingCalendar({ timeZone: 'Europe/Paris', days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00', holidays: ['2026-11-11'] });
const at = (iso: string) => new Date(iso);
const H = 3_600_000;

describe('WorkingCalendar (Europe/Paris, 08:00–18:00 on weekdays)', () => {
  it('adds time within a day', () => {
    // Monday 23 November 2026, 10:00 in Paris is 09:00Z (winter time).
    expect(paris.addWorkingTime(at('2026-11-23T09:00:00Z'), 2 * H).toISOString()).toBe('2026-11-23T11:00:00.000Z');
  });

  it('spills past closing time into the next working day', () => {
    // 17:00 + 2 h → 09:00 the next morning.
    expect(paris.addWorkingTime(at('2026-11-23T16:00:00Z'), 2 * H).toISOString()).toBe('2026-11-24T08:00:00.000Z');
  });

  it('skips the weekend', () => {
    // Friday 27 November 17:00 + 2 h → Monday 30 November 09:00.
    expect(paris.addWorkingTime(at('2026-11-27T16:00:00Z'), 2 * H).toISOString()).toBe('2026-11-30T08:00:00.000Z');
  });

  it('skips holidays', () => {
    // Tuesday 10 November 17:00 + 2 h: Wednesday 11 is a holiday → Thursday 12, 09:00.
    expect(paris.addWorkingTime(at('2026-11-10T16:00:00Z'), 2 * H).toISOString()).toBe('2026-11-12T08:00:00.000Z');
  });

  it('starts counting at the next opening when outside working hours', () => {
    expect(paris.addWorkingTime(at('2026-11-28T10:00:00Z'), H).toISOString()).toBe('2026-11-30T08:00:00.000Z'); // Saturday
    expect(paris.addWorkingTime(at('2026-11-23T05:00:00Z'), H).toISOString()).toBe('2026-11-23T08:00:00.000Z'); // 06:00, before opening
    expect(paris.addWorkingTime(at('2026-11-23T19:00:00Z'), 0).toISOString()).toBe('2026-11-24T07:00:00.000Z'); // 20:00, after closing
    expect(paris.addWorkingTime(at('2026-11-23T09:30:00Z'), 0).toISOString()).toBe('2026-11-23T09:30:00.000Z');
  });

  it('follows daylight saving time', () => {
    // Friday 27 March 2026 17:00 CET (16:00Z) + 2 h → Monday 30 March 09:00 CEST (07:00Z).
    expect(paris.addWorkingTime(at('2026-03-27T16:00:00Z'), 2 * H).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // Friday 23 October 2026 17:00 CEST (15:00Z) + 2 h → Monday 26 October 09:00 CET (08:00Z).
    expect(paris.addWorkingTime(at('2026-10-23T15:00:00Z'), 2 * H).toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });

  it('measures working time between two instants', () => {
    expect(paris.workingTimeBetween(at('2026-11-27T16:00:00Z'), at('2026-11-30T08:00:00Z'))).toBe(2 * H);
    expect(paris.workingTimeBetween(at('2026-11-23T09:00:00Z'), at('2026-11-23T08:00:00Z'))).toBe(0);
    // A whole working week: five days of ten hours, the Wednesday holiday excluded.
    expect(paris.workingTimeBetween(at('2026-11-09T00:00:00Z'), at('2026-11-14T00:00:00Z'))).toBe(40 * H);
    for (const [from, ms] of [['2026-11-27T16:00:00Z', 7 * H], ['2026-03-26T12:00:00Z', 23 * H], ['2026-10-22T17:30:00Z', 31 * H]] as const) {
      expect(paris.workingTimeBetween(at(from), paris.addWorkingTime(at(from), ms))).toBe(ms);
    }
  });

  it('tells working time from the rest', () => {
    expect(paris.isWorkingTime(at('2026-11-23T07:00:00Z'))).toBe(true); // Monday 08:00
    expect(paris.isWorkingTime(at('2026-11-23T06:59:00Z'))).toBe(false);
    expect(paris.isWorkingTime(at('2026-11-23T17:00:00Z'))).toBe(false); // 18:00 is closed
    expect(paris.isWorkingTime(at('2026-11-11T10:00:00Z'))).toBe(false); // holiday
    expect(paris.isWorkingTime(at('2026-11-28T10:00:00Z'))).toBe(false); // Saturday
  });

  it('refuses a calendar that makes no sense', () => {
    const base = { timeZone: 'Europe/Paris', days: [1], start: '08:00', end: '18:00', holidays: [] };
    expect(() => new WorkingCalendar({ ...base, start: '8h' })).toThrow(RangeError);
    expect(() => new WorkingCalendar({ ...base, end: '07:00' })).toThrow(/after opening/);
    expect(() => new WorkingCalendar({ ...base, days: [] })).toThrow(/weekdays/);
    expect(() => new WorkingCalendar({ ...base, timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
  });
});
