import { retentionCutoff } from './retention-rule';

describe('retentionCutoff', () => {
  const schoolYear = { kind: 'school_year', endsOn: '08-31' } as const;

  it('is the 1st of September at midnight in Paris (22:00 UTC on the 31st of August, summer time)', () => {
    expect(retentionCutoff(new Date('2027-03-10T12:00:00Z'), schoolYear, 'Europe/Paris').toISOString()).toBe('2026-08-31T22:00:00.000Z');
  });

  it('moves on once the 31st of August has ended in Paris, not before', () => {
    expect(retentionCutoff(new Date('2027-08-31T21:59:59Z'), schoolYear, 'Europe/Paris').toISOString()).toBe('2026-08-31T22:00:00.000Z');
    expect(retentionCutoff(new Date('2027-08-31T22:00:00Z'), schoolYear, 'Europe/Paris').toISOString()).toBe('2027-08-31T22:00:00.000Z');
  });

  it('counts days when a number of days is configured', () => {
    expect(retentionCutoff(new Date('2027-03-10T12:00:00Z'), { kind: 'days', days: 30 }, 'Europe/Paris').toISOString()).toBe('2027-02-08T12:00:00.000Z');
  });

  it('follows winter time for an end of year in winter', () => {
    expect(retentionCutoff(new Date('2027-03-10T12:00:00Z'), { kind: 'school_year', endsOn: '12-31' }, 'Europe/Paris').toISOString()).toBe('2026-12-31T23:00:00.000Z');
  });
});
