import { EntIdentity, EntPerson, ProfileBlock } from '../../ent/ent-port';
import { approverDecision, blockDecision, credentialsPath, renewalCodeDecision, selfServiceDecision } from './account-policy';

const JM = 'struct-jm';
const OTHER = 'struct-other';

function actor(overrides: Partial<EntIdentity> = {}): EntIdentity {
  return { id: 'actor', login: 'actor', displayName: 'Actor', profile: 'Teacher', structures: [JM], classes: [], functions: [], children: [], ...overrides };
}

function person(overrides: Partial<EntPerson> = {}): EntPerson {
  return {
    id: 'target',
    login: 'target',
    displayName: 'Target',
    profile: 'Student',
    source: 'AAF1D',
    structures: [{ id: JM, name: 'Jean-Moulin' }],
    classes: [{ id: 'cm1', name: 'CM1' }],
    functions: [],
    activated: true,
    blocked: false,
    maskedEmail: null,
    maskedMobile: null,
    parents: [],
    children: [],
    ...overrides,
  };
}

const ADMC = { functions: [{ code: 'SUPER_ADMIN', scope: [] }], structures: [] };
const ADML = { profile: 'Personnel' as const, functions: [{ code: 'ADMIN_LOCAL', scope: [JM] }] };
const reason = (d: ReturnType<typeof renewalCodeDecision>) => (d.allowed ? 'allowed' : d.refusal.reason);

describe('renewal code policy', () => {
  it('allows a super admin, a local admin of the structure, a teacher or staff member of the class', () => {
    expect(reason(renewalCodeDecision(actor(ADMC), person(), 'primary'))).toBe('allowed');
    expect(reason(renewalCodeDecision(actor(ADML), person(), 'primary'))).toBe('allowed');
    expect(reason(renewalCodeDecision(actor({ classes: ['cm1'] }), person(), 'primary'))).toBe('allowed');
    expect(reason(renewalCodeDecision(actor({ profile: 'Personnel', classes: ['cm1'] }), person(), 'primary'))).toBe('allowed');
  });

  it('refuses a teacher of another class, a local admin of another structure, a pupil or parent of the class', () => {
    expect(reason(renewalCodeDecision(actor({ classes: ['cp'] }), person(), 'primary'))).toBe('no_code_right');
    expect(reason(renewalCodeDecision(actor({ functions: [{ code: 'ADMIN_LOCAL', scope: [OTHER] }] }), person(), 'primary'))).toBe('no_code_right');
    expect(reason(renewalCodeDecision(actor({ profile: 'Student', classes: ['cm1'] }), person(), 'primary'))).toBe('no_code_right');
    expect(reason(renewalCodeDecision(actor({ profile: 'Relative', classes: ['cm1'] }), person(), 'primary'))).toBe('no_code_right');
  });

  it('never acts on an admin account, nor on one’s own', () => {
    expect(reason(renewalCodeDecision(actor(ADMC), person({ functions: [{ code: 'ADMIN_LOCAL', scope: [JM] }] }), 'primary'))).toBe('target_is_admin');
    expect(reason(renewalCodeDecision(actor(ADMC), person({ functions: [{ code: 'SUPER_ADMIN', scope: [] }] }), 'primary'))).toBe('target_is_admin');
    expect(reason(renewalCodeDecision(actor({ ...ADML, id: 'target' }), person(), 'primary'))).toBe('self_target');
  });

  it('gives pupils and manual accounts a code, and staff and parents their path', () => {
    expect(reason(renewalCodeDecision(actor(ADML), person({ profile: 'Teacher', source: 'MANUAL' }), 'primary'))).toBe('allowed');
    expect(reason(renewalCodeDecision(actor(ADML), person({ profile: 'Guest', source: 'CSV' }), 'primary'))).toBe('allowed');
    const staff = renewalCodeDecision(actor(ADML), person({ profile: 'Teacher', source: 'AAF' }), 'secondary');
    expect(staff).toEqual({ allowed: false, refusal: { reason: 'staff_credentials', level: 'secondary' } });
    expect(reason(renewalCodeDecision(actor(ADML), person({ profile: 'Personnel', source: 'AAF1D' }), 'primary'))).toBe('staff_credentials');
    expect(reason(renewalCodeDecision(actor(ADML), person({ profile: 'Relative', source: 'AAF1D' }), 'primary'))).toBe('parent_educonnect');
  });

  it('answers a never-activated account with its activation path, and refuses a blocked one', () => {
    expect(reason(renewalCodeDecision(actor(ADML), person({ activated: false }), 'primary'))).toBe('not_activated');
    expect(reason(renewalCodeDecision(actor(ADML), person({ blocked: true }), 'primary'))).toBe('target_blocked');
  });
});

describe('approvals', () => {
  it('are decided by whoever could give the code, for an account of the approval’s school', () => {
    expect(reason(approverDecision(actor({ classes: ['cm1'] }), person(), JM, 'primary'))).toBe('allowed');
    expect(reason(approverDecision(actor({ classes: ['cp'] }), person(), JM, 'primary'))).toBe('not_an_approver');
    expect(reason(approverDecision(actor(ADMC), person(), OTHER, 'primary'))).toBe('not_an_approver');
    expect(reason(approverDecision(actor({ ...ADML, id: 'target' }), person(), JM, 'primary'))).toBe('not_an_approver');
    expect(reason(approverDecision(actor(ADML), person({ profile: 'Teacher' }), JM, 'primary'))).toBe('staff_credentials');
  });
});

describe('block policy', () => {
  const massBlock: ProfileBlock = { structureId: JM, profile: 'Student', blocked: true, since: new Date('2026-08-20T08:00:00Z') };
  const block = (a: EntIdentity, t: EntPerson, r: string | null = 'Contenu inapproprié', blocks: ProfileBlock[] = []) => reason(blockDecision(a, t, { block: true, reason: r, profileBlocks: blocks }));
  const unblock = (a: EntIdentity, t: EntPerson, blocks: ProfileBlock[] = []) => reason(blockDecision(a, t, { block: false, profileBlocks: blocks }));

  it('lets a super admin or a local admin of the structure block with a reason', () => {
    expect(block(actor(ADMC), person())).toBe('allowed');
    expect(block(actor(ADML), person())).toBe('allowed');
    expect(block(actor({ classes: ['cm1'] }), person())).toBe('no_block_right');
    expect(block(actor({ functions: [{ code: 'ADMIN_LOCAL', scope: [OTHER] }] }), person())).toBe('no_block_right');
    expect(block(actor(ADML), person(), null)).toBe('block_reason_required');
    expect(block(actor(ADML), person(), ' ok ')).toBe('block_reason_required');
    expect(block(actor(ADML), person({ blocked: true }))).toBe('already_blocked');
    expect(block(actor({ ...ADML, id: 'target' }), person())).toBe('self_target');
  });

  it('keeps local admins off a super admin account', () => {
    expect(block(actor(ADML), person({ functions: [{ code: 'SUPER_ADMIN', scope: [] }] }))).toBe('target_is_admin');
    expect(block(actor(ADMC), person({ functions: [{ code: 'ADMIN_LOCAL', scope: [JM] }] }))).toBe('allowed');
  });

  it('unblocks one by one, except an account held by a mass block of its profile', () => {
    expect(unblock(actor(ADML), person({ blocked: true }))).toBe('allowed');
    expect(unblock(actor(ADML), person())).toBe('not_blocked');
    const held = blockDecision(actor(ADML), person({ blocked: true }), { block: false, profileBlocks: [massBlock] });
    expect(held).toEqual({ allowed: false, refusal: { reason: 'mass_block', massBlock } });
    expect(unblock(actor(ADML), person({ blocked: true }), [{ ...massBlock, blocked: false }])).toBe('allowed');
    expect(unblock(actor(ADML), person({ blocked: true }), [{ ...massBlock, profile: 'Relative' }])).toBe('allowed');
    expect(unblock(actor(ADML), person({ blocked: true }), [{ ...massBlock, structureId: OTHER }])).toBe('allowed');
  });
});

describe('self-service and credentials paths', () => {
  it('resets ENT credentials only', () => {
    expect(credentialsPath({ profile: 'Student', source: 'AAF1D' })).toBe('ent');
    expect(credentialsPath({ profile: 'Teacher', source: 'MANUAL' })).toBe('ent');
    expect(credentialsPath({ profile: 'Teacher', source: 'AAF' })).toBe('staff');
    expect(credentialsPath({ profile: 'Relative', source: 'AAF1D' })).toBe('parent');
    expect(selfServiceDecision({ profile: 'Student', source: 'unknown' }, 'primary')).toEqual({ allowed: true });
    expect(selfServiceDecision({ profile: 'Personnel', source: 'unknown' }, 'unknown')).toEqual({ allowed: false, refusal: { reason: 'staff_credentials', level: 'unknown' } });
    expect(selfServiceDecision({ profile: 'Relative', source: 'AAF1D' }, 'primary')).toEqual({ allowed: false, refusal: { reason: 'parent_educonnect' } });
  });
});
