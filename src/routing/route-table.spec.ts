import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import spec from './spec/intents.json';
import { routeFor } from './route-table';

describe('routing table', () => {
  it.each([
    ['login.educonnect', 'Relative', 'educonnect_national'],
    ['moderation.report', 'Teacher', 'school_admin'],
    ['moderation.report', 'Relative', 'school_admin'],
    ['login.forgot_password', 'Student', 'school_admin'],
    ['data.storage_full', 'Guest', 'school_admin'],
    ['login.forgot_password', 'Relative', 'school_director'],
    ['accounts.missing_users', 'Relative', 'school_director'],
    ['other', 'Relative', 'school_director'],
    ['data.keep_shares', 'Relative', 'school_admin'],
    ['login.blocked', 'Teacher', 'academic_support'],
    ['accounts.first_classes', 'Personnel', 'academic_support'],
    ['admin.attach_teacher_class', 'Teacher', 'erun'],
    ['other', 'Personnel', 'erun'],
    ['login.educonnect', 'Teacher', 'academic_support'],
    ['login.educonnect', null, 'school_admin'],
    ['moderation.report', null, 'school_admin'],
    ['apps.news', null, 'school_admin'],
  ] as const)('%s from %s goes to %s', (intent, profile, tier) => {
    expect(routeFor(intent, profile)).toBe(tier);
  });

  it('refuses an unknown intent', () => {
    expect(() => routeFor('login.teleport', 'Teacher')).toThrow(RangeError);
  });

  it('is the shared spec, unchanged', () => {
    // The shared folder is beside the repository in CI and development: its absence is a failure, not a pass.
    const shared = join(__dirname, '..', '..', '..', 'shared', 'spec', 'intents.json');
    expect(existsSync(shared)).toBe(true);
    expect(spec).toEqual(JSON.parse(readFileSync(shared, 'utf8')));
  });
});
