import { applyTransition, canEscalate, statusAfterComment, statusFromCode, TICKET_STATUS, TRANSITIONS } from './ticket-status';

describe('ticket status codes', () => {
  it('match the ENT support module', () => {
    expect(TICKET_STATUS).toEqual({ new: 1, opened: 2, resolved: 3, closed: 4, waiting_for_user: 5 });
    expect(statusFromCode(5)).toBe('waiting_for_user');
    expect(() => statusFromCode(9)).toThrow(RangeError);
  });
});

describe('explicit transitions', () => {
  it.each([
    ['new', 'claim', 'opened'],
    ['waiting_for_user', 'claim', 'opened'],
    ['opened', 'wait_for_user', 'waiting_for_user'],
    ['opened', 'resolve', 'resolved'],
    ['resolved', 'close', 'closed'],
    ['closed', 'reopen', 'opened'],
    ['resolved', 'reopen', 'opened'],
  ] as const)('%s --%s--> %s', (from, transition, to) => {
    expect(applyTransition(from, transition)).toEqual({ ok: true, to });
  });

  it.each([
    ['closed', 'claim'],
    ['closed', 'resolve'],
    ['closed', 'close'],
    ['resolved', 'wait_for_user'],
    ['new', 'reopen'],
    ['opened', 'reopen'],
  ] as const)('refuses %s --%s', (from, transition) => {
    const outcome = applyTransition(from, transition);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.allowedFrom).not.toContain(from);
  });

  it('has a rule for every transition', () => {
    for (const t of TRANSITIONS) expect(applyTransition('opened', t)).toBeDefined();
  });
});

describe('status after a comment', () => {
  it('reopens resolved and closed tickets', () => {
    expect(statusAfterComment('resolved', { byRequester: true, internal: false })).toBe('opened');
    expect(statusAfterComment('closed', { byRequester: false, internal: false })).toBe('opened');
  });
  it('opens a new ticket only when someone else comments', () => {
    expect(statusAfterComment('new', { byRequester: false, internal: false })).toBe('opened');
    expect(statusAfterComment('new', { byRequester: true, internal: false })).toBe('new');
  });
  it('hands a waiting ticket back when the requester answers', () => {
    expect(statusAfterComment('waiting_for_user', { byRequester: true, internal: false })).toBe('opened');
    expect(statusAfterComment('waiting_for_user', { byRequester: false, internal: false })).toBe('waiting_for_user');
  });
  it('ignores internal notes', () => {
    expect(statusAfterComment('closed', { byRequester: false, internal: true })).toBe('closed');
  });
});

describe('escalation guard', () => {
  it('allows only new or opened tickets not already escalated', () => {
    expect(canEscalate('new', 'not_done')).toBe(true);
    expect(canEscalate('opened', 'in_progress')).toBe(false);
    expect(canEscalate('resolved', 'not_done')).toBe(false);
    expect(canEscalate('waiting_for_user', 'not_done')).toBe(false);
    expect(canEscalate('closed', 'failed')).toBe(false);
    // Another tier up after a successful escalation, or a new try after a failed one.
    expect(canEscalate('opened', 'successful')).toBe(true);
    expect(canEscalate('opened', 'failed')).toBe(true);
  });
});
