import { WorkingCalendar, WorkingHours } from './working-calendar';

// Paris is UTC+1 in winter (CET) and UTC+2 in summer (CEST). In 2026 summer time starts on Sunday 29 March
// (02:00 CET → 03:00 CEST) and ends on Sunday 25 October (03:00 CEST → 02:00 CET).
// Every expected instant below was worked out by hand from those two facts.
const H = 3_600_000;
const MIN = 60_000;
const HOURS: WorkingHours = {
  timeZone: 'Europe/Paris',
  days: [1, 2, 3, 4, 5],
  start: '08:00',
  end: '18:00',
  // New Year (Thu), Labour Day (Fri), Ascension (Thu), Armistice (Wed), Christmas (Fri).
  holidays: ['2026-01-01', '2026-05-01', '2026-05-14', '2026-11-11', '2026-12-25'],
};
const paris = new WorkingCalendar(HOURS);
const at = (iso: string) => new Date(iso);
const add = (calendar: WorkingCalendar, from: string, ms: number) => calendar.addWorkingTime(at(from), ms).toISOString();
const between = (calendar: WorkingCalendar, from: string, to: string) => calendar.workingTimeBetween(at(from), at(to));

describe('WorkingCalendar (Europe/Paris, 08:00–18:00 Monday to Friday)', () => {
  describe('addWorkingTime', () => {
    it('adds time within one day', () => {
      // Tuesday 13 January 10:00 CET + 3 h → 13:00 CET.
      expect(add(paris, '2026-01-13T09:00:00Z', 3 * H)).toBe('2026-01-13T12:00:00.000Z');
      // Wednesday 10 June 09:30 CEST + 90 min → 11:00 CEST.
      expect(add(paris, '2026-06-10T07:30:00Z', 90 * MIN)).toBe('2026-06-10T09:00:00.000Z');
    });

    it('stops at closing time when the time runs out exactly then', () => {
      // Tuesday 16:00 CET + 2 h → 18:00 CET the same day, not 08:00 the next morning.
      expect(add(paris, '2026-01-13T15:00:00Z', 2 * H)).toBe('2026-01-13T17:00:00.000Z');
    });

    it('spills over closing time into the next working day', () => {
      // Tuesday 16:00 CET + 4 h: 2 h until 18:00, then 2 h from Wednesday 08:00 → 10:00 CET.
      expect(add(paris, '2026-01-13T15:00:00Z', 4 * H)).toBe('2026-01-14T09:00:00.000Z');
      // Monday 12 January 08:00 CET + 25 h: 10 h Monday, 10 h Tuesday, 5 h Wednesday → 13:00 CET.
      expect(add(paris, '2026-01-12T07:00:00Z', 25 * H)).toBe('2026-01-14T12:00:00.000Z');
    });

    it('skips the weekend', () => {
      // Friday 16 January 17:00 CET + 2 h: 1 h Friday, 1 h from Monday 19 January 08:00 → 09:00 CET.
      expect(add(paris, '2026-01-16T16:00:00Z', 2 * H)).toBe('2026-01-19T08:00:00.000Z');
    });

    it('skips holidays', () => {
      // Wednesday 13 May 17:00 CEST + 3 h: 1 h Wednesday, Thursday 14 (Ascension) skipped, Friday 15 08:00 + 2 h → 10:00 CEST.
      expect(add(paris, '2026-05-13T15:00:00Z', 3 * H)).toBe('2026-05-15T08:00:00.000Z');
      // Thursday 30 April 17:00 CEST + 2 h: Friday 1 May and the weekend skipped → Monday 4 May 09:00 CEST.
      expect(add(paris, '2026-04-30T15:00:00Z', 2 * H)).toBe('2026-05-04T07:00:00.000Z');
      // Starting on the holiday itself waits for Friday's opening, 08:00 CEST.
      expect(add(paris, '2026-05-14T10:00:00Z', 0)).toBe('2026-05-15T06:00:00.000Z');
    });

    it('starts counting at the next opening on a Saturday', () => {
      // Saturday 17 January 12:00 CET + 1 h → Monday 19 January 09:00 CET.
      expect(add(paris, '2026-01-17T11:00:00Z', H)).toBe('2026-01-19T08:00:00.000Z');
      expect(add(paris, '2026-01-17T11:00:00Z', 0)).toBe('2026-01-19T07:00:00.000Z');
    });

    it('starts counting at opening when called before it', () => {
      // Tuesday 06:30 CET + 30 min → 08:30 CET.
      expect(add(paris, '2026-01-13T05:30:00Z', 30 * MIN)).toBe('2026-01-13T07:30:00.000Z');
      expect(add(paris, '2026-01-13T05:30:00Z', 0)).toBe('2026-01-13T07:00:00.000Z');
    });

    it('starts counting the next morning when called after closing', () => {
      // Tuesday 20:00 CET + 1 h → Wednesday 09:00 CET.
      expect(add(paris, '2026-01-13T19:00:00Z', H)).toBe('2026-01-14T08:00:00.000Z');
      // Exactly at closing (18:00 CET) the day is over.
      expect(add(paris, '2026-01-13T17:00:00Z', 0)).toBe('2026-01-14T07:00:00.000Z');
    });

    it('returns the same instant for no time inside working hours', () => {
      expect(add(paris, '2026-01-13T10:15:42.123Z', 0)).toBe('2026-01-13T10:15:42.123Z');
      expect(add(paris, '2026-01-13T07:00:00Z', 0)).toBe('2026-01-13T07:00:00.000Z'); // opening itself
    });

    it('refuses a negative or non-finite amount and an invalid date', () => {
      expect(() => paris.addWorkingTime(at('2026-01-13T09:00:00Z'), -1)).toThrow(RangeError);
      expect(() => paris.addWorkingTime(at('2026-01-13T09:00:00Z'), Number.NaN)).toThrow(RangeError);
      expect(() => paris.addWorkingTime(at('not a date'), H)).toThrow(/valid Date/);
    });
  });

  describe('daylight saving time', () => {
    it('moves opening from 07:00Z to 06:00Z across the March change', () => {
      // Friday 27 March 17:00 CET + 2 h → Monday 30 March 09:00 CEST = 07:00Z (a naive +1 h offset would say 08:00Z).
      expect(add(paris, '2026-03-27T16:00:00Z', 2 * H)).toBe('2026-03-30T07:00:00.000Z');
      // Thursday 26 March 17:00 CET + 12 h: 1 h Thursday, 10 h Friday, 1 h Monday → 09:00 CEST.
      expect(add(paris, '2026-03-26T16:00:00Z', 12 * H)).toBe('2026-03-30T07:00:00.000Z');
      // Friday closes at 18:00 CET = 17:00Z, Monday at 18:00 CEST = 16:00Z.
      expect(add(paris, '2026-03-27T07:00:00Z', 10 * H)).toBe('2026-03-27T17:00:00.000Z');
      expect(add(paris, '2026-03-30T06:00:00Z', 10 * H)).toBe('2026-03-30T16:00:00.000Z');
      // From the Sunday of the change, the next opening is Monday 08:00 CEST = 06:00Z.
      expect(add(paris, '2026-03-29T10:00:00Z', 0)).toBe('2026-03-30T06:00:00.000Z');
    });

    it('moves opening from 06:00Z to 07:00Z across the October change', () => {
      // Friday 23 October 17:00 CEST + 2 h → Monday 26 October 09:00 CET = 08:00Z.
      expect(add(paris, '2026-10-23T15:00:00Z', 2 * H)).toBe('2026-10-26T08:00:00.000Z');
      // From the Sunday of the change, the next opening is Monday 08:00 CET = 07:00Z.
      expect(add(paris, '2026-10-25T12:00:00Z', 0)).toBe('2026-10-26T07:00:00.000Z');
      // Friday 08:00 CEST to Monday 18:00 CET: two full days.
      expect(between(paris, '2026-10-23T06:00:00Z', '2026-10-26T17:00:00Z')).toBe(20 * H);
    });

    it('counts the 23-hour and 25-hour days when working round the clock', () => {
      const always = new WorkingCalendar({ ...HOURS, days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00', holidays: [] });
      // Sunday 29 March from 00:00 CET (23:00Z the day before) to Monday 00:00 CEST (22:00Z).
      expect(between(always, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toBe(23 * H);
      expect(add(always, '2026-03-28T23:00:00Z', 23 * H)).toBe('2026-03-29T22:00:00.000Z');
      // Sunday 25 October from 00:00 CEST (22:00Z the day before) to Monday 00:00 CET (23:00Z).
      expect(between(always, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z')).toBe(25 * H);
      expect(add(always, '2026-10-24T22:00:00Z', 25 * H)).toBe('2026-10-25T23:00:00.000Z');
      expect(always.isWorkingTime(at('2026-03-29T01:30:00Z'))).toBe(true);
    });

    it('shortens and lengthens a night shift spanning the change', () => {
      const night = new WorkingCalendar({ ...HOURS, days: [1, 2, 3, 4, 5, 6, 7], start: '01:00', end: '05:00', holidays: [] });
      // Saturday 28 March, an ordinary day: 01:00–05:00 CET = 00:00Z–04:00Z.
      expect(between(night, '2026-03-27T12:00:00Z', '2026-03-28T12:00:00Z')).toBe(4 * H);
      // Sunday 29 March: 01:00 CET = 00:00Z to 05:00 CEST = 03:00Z, one hour lost.
      expect(between(night, '2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z')).toBe(3 * H);
      expect(add(night, '2026-03-29T00:00:00Z', 3 * H)).toBe('2026-03-29T03:00:00.000Z');
      // One more millisecond lands after Monday's opening, 01:00 CEST = 23:00Z on Sunday.
      expect(add(night, '2026-03-29T00:00:00Z', 3 * H + 1)).toBe('2026-03-29T23:00:00.001Z');
      // Sunday 25 October: 01:00 CEST = 23:00Z the day before to 05:00 CET = 04:00Z, one hour gained.
      expect(between(night, '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z')).toBe(5 * H);
      expect(add(night, '2026-10-24T23:00:00Z', 5 * H)).toBe('2026-10-25T04:00:00.000Z');
    });

    it('opens at a wall-clock time that is skipped or repeated', () => {
      const early = new WorkingCalendar({ ...HOURS, days: [1, 2, 3, 4, 5, 6, 7], start: '02:30', end: '06:00', holidays: [] });
      // 29 March 02:30 does not exist: opening moves forward by the gap, to 03:30 CEST = 01:30Z; closing 06:00 CEST = 04:00Z.
      expect(add(early, '2026-03-29T00:00:00Z', 0)).toBe('2026-03-29T01:30:00.000Z');
      expect(between(early, '2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z')).toBe(2.5 * H);
      expect(early.isWorkingTime(at('2026-03-29T01:00:00Z'))).toBe(false); // 03:00 CEST
      // 25 October 02:30 happens twice: the first one counts, 02:30 CEST = 00:30Z; closing 06:00 CET = 05:00Z.
      expect(add(early, '2026-10-24T22:00:00Z', 0)).toBe('2026-10-25T00:30:00.000Z');
      expect(between(early, '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z')).toBe(4.5 * H);
    });
  });

  describe('workingTimeBetween', () => {
    it('is 0 when to is not after from, or when no working time lies between', () => {
      expect(between(paris, '2026-01-13T10:00:00Z', '2026-01-13T09:00:00Z')).toBe(0);
      expect(between(paris, '2026-01-13T10:00:00Z', '2026-01-13T10:00:00Z')).toBe(0);
      // Saturday to Sunday.
      expect(between(paris, '2026-01-17T08:00:00Z', '2026-01-18T20:00:00Z')).toBe(0);
      // Tuesday 19:00 CET to Wednesday 07:00 CET.
      expect(between(paris, '2026-01-13T18:00:00Z', '2026-01-14T06:00:00Z')).toBe(0);
    });

    it('counts only the working part of a partial day', () => {
      // Tuesday 06:00 CET to 09:15 CET: from opening only.
      expect(between(paris, '2026-01-13T05:00:00Z', '2026-01-13T08:15:00Z')).toBe(75 * MIN);
      // Tuesday 17:30 CET to 23:00 CET: until closing only.
      expect(between(paris, '2026-01-13T16:30:00Z', '2026-01-13T22:00:00Z')).toBe(30 * MIN);
    });

    it('counts whole weeks across the March change', () => {
      // Monday 2 March to Monday 6 April 02:00 CEST: five weeks of five 10-hour days, no holiday.
      expect(between(paris, '2026-03-02T00:00:00Z', '2026-04-06T00:00:00Z')).toBe(250 * H);
    });

    it('is the inverse of addWorkingTime', () => {
      const cases: [from: string, ms: number, to: string][] = [
        ['2026-01-13T09:00:00Z', 3 * H, '2026-01-13T12:00:00.000Z'],
        ['2026-01-13T15:00:00Z', 4 * H, '2026-01-14T09:00:00.000Z'],
        ['2026-01-16T16:00:00Z', 2 * H, '2026-01-19T08:00:00.000Z'],
        ['2026-01-17T11:00:00Z', H, '2026-01-19T08:00:00.000Z'],
        ['2026-05-13T15:00:00Z', 3 * H, '2026-05-15T08:00:00.000Z'],
        ['2026-03-27T16:00:00Z', 2 * H, '2026-03-30T07:00:00.000Z'],
        ['2026-10-23T15:00:00Z', 2 * H, '2026-10-26T08:00:00.000Z'],
        // Tuesday 10 November 12:00 CET + 15 h: 6 h Tuesday, Wednesday 11 (Armistice) skipped, 9 h Thursday → 17:00 CET.
        ['2026-11-10T11:00:00Z', 15 * H, '2026-11-12T16:00:00.000Z'],
      ];
      for (const [from, ms, to] of cases) {
        expect(add(paris, from, ms)).toBe(to);
        expect(between(paris, from, to)).toBe(ms);
        // And back: the working time between two instants, added to the first, lands on the second.
        expect(add(paris, from, between(paris, from, to))).toBe(to);
      }
    });

    it('walks a whole year (its speed is measured by bench/calendar.ts)', () => {
      // 2026 in Paris: 261 weekdays, 5 of them holidays → 256 days of 10 h.
      expect(between(new WorkingCalendar(HOURS), '2025-12-31T23:00:00Z', '2026-12-31T23:00:00Z')).toBe(2_560 * H);
      // The last working minute of 2026 ends on Thursday 31 December at 18:00 CET.
      expect(add(new WorkingCalendar(HOURS), '2025-12-31T23:00:00Z', 2_560 * H)).toBe('2026-12-31T17:00:00.000Z');
    });
  });

  describe('isWorkingTime', () => {
    it('includes opening and excludes closing', () => {
      expect(paris.isWorkingTime(at('2026-01-13T07:00:00Z'))).toBe(true); // Tuesday 08:00 CET
      expect(paris.isWorkingTime(at('2026-01-13T06:59:59.999Z'))).toBe(false);
      expect(paris.isWorkingTime(at('2026-01-13T16:59:59.999Z'))).toBe(true);
      expect(paris.isWorkingTime(at('2026-01-13T17:00:00Z'))).toBe(false); // 18:00 CET
    });

    it('follows summer time', () => {
      expect(paris.isWorkingTime(at('2026-06-10T06:00:00Z'))).toBe(true); // Wednesday 08:00 CEST
      expect(paris.isWorkingTime(at('2026-06-10T05:59:00Z'))).toBe(false);
      expect(paris.isWorkingTime(at('2026-06-10T16:30:00Z'))).toBe(false); // 18:30 CEST, though 17:30 in winter
      expect(paris.isWorkingTime(at('2026-03-30T06:00:00Z'))).toBe(true); // Monday after the change, 08:00 CEST
      expect(paris.isWorkingTime(at('2026-03-27T06:30:00Z'))).toBe(false); // Friday before it, 07:30 CET
    });

    it('is false on weekends and holidays', () => {
      expect(paris.isWorkingTime(at('2026-01-17T10:00:00Z'))).toBe(false); // Saturday
      expect(paris.isWorkingTime(at('2026-01-18T10:00:00Z'))).toBe(false); // Sunday
      expect(paris.isWorkingTime(at('2026-11-11T10:00:00Z'))).toBe(false); // Armistice, a Wednesday
    });
  });

  describe('constructor', () => {
    it.each(['8:00', '25:00', '08:60', '0800', 'abc', '24:00'])('refuses opening time %p', (start) => {
      expect(() => new WorkingCalendar({ ...HOURS, start })).toThrow(/opening time must be 'HH:MM'/);
    });

    it('refuses a malformed closing time', () => {
      expect(() => new WorkingCalendar({ ...HOURS, end: '18h' })).toThrow(/closing time must be 'HH:MM'/);
      expect(() => new WorkingCalendar({ ...HOURS, end: '24:01' })).toThrow(RangeError);
    });

    it('refuses a closing time not after opening', () => {
      expect(() => new WorkingCalendar({ ...HOURS, end: '07:00' })).toThrow(/closing time '07:00' must come after opening time '08:00'/);
      expect(() => new WorkingCalendar({ ...HOURS, end: '08:00' })).toThrow(RangeError);
    });

    it('refuses empty or invalid working days', () => {
      expect(() => new WorkingCalendar({ ...HOURS, days: [] })).toThrow(/non-empty list of ISO weekdays/);
      expect(() => new WorkingCalendar({ ...HOURS, days: [0] })).toThrow(/not an ISO weekday/);
      expect(() => new WorkingCalendar({ ...HOURS, days: [8] })).toThrow(RangeError);
      expect(() => new WorkingCalendar({ ...HOURS, days: [1.5] })).toThrow(RangeError);
    });

    it('refuses an unknown time zone', () => {
      expect(() => new WorkingCalendar({ ...HOURS, timeZone: 'Mars/Olympus' })).toThrow(/unknown time zone 'Mars\/Olympus'/);
    });

    it('refuses a holiday that is not a real date', () => {
      expect(() => new WorkingCalendar({ ...HOURS, holidays: ['2026-02-30'] })).toThrow(/holiday must be a real date/);
      expect(() => new WorkingCalendar({ ...HOURS, holidays: ['14/07/2026'] })).toThrow(RangeError);
    });

    it('accepts 24:00 as a closing time', () => {
      const late = new WorkingCalendar({ ...HOURS, start: '20:00', end: '24:00' });
      // Tuesday 23:00 CET + 2 h: 1 h until midnight, then Wednesday 20:00 + 1 h → 21:00 CET.
      expect(add(late, '2026-01-13T22:00:00Z', 2 * H)).toBe('2026-01-14T20:00:00.000Z');
    });
  });
});
