import { loadRoutingRules } from '../routing-rules';
import { SlaClock, SlaTimes } from './sla-clock';

const clock = new SlaClock(loadRoutingRules());
/** Monday 23 November 2026, 10:00 in Paris. */
const MONDAY_10H = new Date('2026-11-23T09:00:00Z');
const H = 3_600_000;

function ticket(overrides: Partial<SlaTimes> = {}): SlaTimes {
  // school_admin / majeur: 4 h to answer, 20 h to resolve.
  return { tier: 'school_admin', priority: 'majeur', firstRespondedAt: null, slaPausedAt: null, slaRemindedFor: null, slaBreachedFor: null, ...clock.deadlines('school_admin', 'majeur', MONDAY_10H), ...overrides };
}
const at = (ms: number) => new Date(MONDAY_10H.getTime() + ms);

describe('SLA clock: what is due and when to look again', () => {
  it('looks first at the reminder (three quarters of the way), then at the deadline once reminded', () => {
    const fresh = ticket();
    // The reminder's instant is found by bisection, to the second.
    expect(Math.abs(clock.nextCheckAt(fresh)!.getTime() - at(3 * H).getTime())).toBeLessThan(1_000);
    expect(clock.dueCheck(fresh, at(2 * H))).toBeNull();
    expect(clock.dueCheck(fresh, at(3 * H + 1_000))).toMatchObject({ check: 'reminder', deadline: { kind: 'first_response', dueAt: at(4 * H) } });
    const reminded = ticket({ slaRemindedFor: at(4 * H) });
    expect(clock.nextCheckAt(reminded)).toEqual(at(4 * H));
    expect(clock.dueCheck(reminded, at(3.5 * H))).toBeNull();
    expect(clock.dueCheck(reminded, at(4 * H))).toMatchObject({ check: 'breach' });
  });

  it('goes straight to the breach when the reminder time was missed, and fires each once', () => {
    expect(clock.dueCheck(ticket(), at(5 * H))).toMatchObject({ check: 'breach', deadline: { kind: 'first_response' } });
    const breached = ticket({ slaRemindedFor: at(4 * H), slaBreachedFor: at(4 * H) });
    expect(clock.dueCheck(breached, at(5 * H))).toBeNull();
    expect(clock.nextCheckAt(breached)).toBeNull();
  });

  it('watches the resolution once someone answered, and nothing while paused', () => {
    const answered = ticket({ firstRespondedAt: at(H) });
    expect(clock.nextDeadline(answered)).toMatchObject({ kind: 'resolution', dueAt: answered.resolutionDueAt });
    expect(clock.nextCheckAt(ticket({ slaPausedAt: at(H) }))).toBeNull();
  });

  it('gives no deadline to a tier without a queue', () => {
    expect(clock.deadlines('educonnect_national', 'bloquant', MONDAY_10H)).toEqual({ firstResponseDueAt: null, resolutionDueAt: null });
  });
});
