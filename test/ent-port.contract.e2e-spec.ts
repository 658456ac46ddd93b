import { DomainError } from '../src/common/errors';
import { EntGrant, EntPort } from '../src/ent/ent-port';
import { LinkingService } from '../src/admin-actions/linking/linking.service';
import { DEMO_PASSWORD, ENT_KINDS, EntKind, EntUnderTest } from './support/ent-under-test';
import { MovingClock } from './support/moving-clock';
import { TestApp, TestStore } from './support/test-app';

/**
 * One contract for both adapters of the ENT port: the sandbox ENT in the
 * project's database, and the entcore adapter against a local server that
 * speaks entcore's routes. Each case drives the port itself, and the ENT's
 * pages the way a browser does.
 */
describe.each(ENT_KINDS)('ENT port contract: %s', (kind: EntKind) => {
  const clock = new MovingClock(new Date('2026-03-02T08:00:00Z'));
  let ent: EntUnderTest;
  let store: TestStore;
  let t: TestApp;
  let port: EntPort;
  let redirectUri: string;

  beforeAll(async () => {
    ent = await EntUnderTest.start(kind, clock);
    store = await TestStore.create(ent.env());
    t = await TestApp.start(store, { clock });
    ent.attach(t);
    port = t.app.get(EntPort);
    redirectUri = t.app.get(LinkingService).callbackUrl();
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
    await ent?.close();
  });

  async function codeFor(login: string, state = `state-${login}`): Promise<string> {
    const back = new URL(await ent.authorize(port.authorizationUrl({ state, redirectUri }), login));
    expect(back.searchParams.get('state')).toBe(state);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    return back.searchParams.get('code')!;
  }

  const grantFor = async (login: string): Promise<EntGrant> => port.exchangeCode(await codeFor(login), redirectUri);

  async function failure(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(() => null, (e: unknown) => e);
    if (!(error instanceof DomainError)) throw new Error(`expected a domain error, got ${String(error)}`);
    return error.code;
  }

  it('exchanges an authorization code once, for a grant of the person who logged in', async () => {
    const code = await codeFor('claire.dubois');
    const grant = await port.exchangeCode(code, redirectUri);
    expect(grant.accessToken).toBeTruthy();
    expect(grant.expiresAt.getTime()).toBeGreaterThan(clock.now().getTime());
    const me = await port.whoAmI(grant);
    expect(me).toMatchObject({ id: 'demo-director-jm', login: 'claire.dubois', profile: 'Personnel', structures: ['struct-jean-moulin'] });
    expect(me.functions).toContainEqual({ code: 'ADMIN_LOCAL', scope: ['struct-jean-moulin'] });
    expect(await failure(port.exchangeCode(code, redirectUri))).toBe('ENT_REFUSED');
  });

  it('refuses a wrong password on its login page, with the same words for a blocked account', async () => {
    expect((await ent.login('claire.dubois', 'Mauvais-mdp1')).kind).toBe('refused');
    expect((await ent.login('jade.roux', DEMO_PASSWORD)).kind).toBe('refused');
    expect((await ent.login('claire.dubois', DEMO_PASSWORD)).kind).toBe('logged_in');
  });

  it('refreshes a grant, and refuses a refresh token it never issued', async () => {
    const grant = await grantFor('julien.moreau');
    const fresh = await port.refreshGrant(grant);
    expect((await port.whoAmI(fresh)).id).toBe('demo-teacher-jm');
    expect(await failure(port.refreshGrant({ ...grant, refreshToken: 'not-a-refresh-token' }))).toBe('ENT_LINK_EXPIRED');
    expect(await failure(port.whoAmI({ ...grant, accessToken: 'not-a-token' }))).toBe('ENT_LINK_EXPIRED');
  });

  it('looks people up as the caller may see them: profile, classes, structures, parents, activation, masked contact details', async () => {
    const claire = await grantFor('claire.dubois');
    const lea = await port.findByLogin(claire, 'lea.lambert');
    expect(lea).toMatchObject({
      id: 'demo-pupil-jm',
      displayName: 'Léa Lambert',
      profile: 'Student',
      source: 'AAF1D',
      structures: [{ id: 'struct-jean-moulin', name: 'École élémentaire Jean-Moulin' }],
      classes: [{ id: 'class-jm-cm1', name: 'CM1 A' }],
      parents: [{ id: 'demo-parent-jm', name: 'Sophie Lambert' }],
      activated: true,
      blocked: false,
      maskedEmail: null,
    });
    const sophie = await port.findByLogin(claire, 'sophie.lambert');
    expect(sophie?.children).toEqual([{ id: 'demo-pupil-jm', name: 'Léa Lambert' }]);
    const tom = await port.findByLogin(claire, 'tom.girard');
    expect(tom?.maskedEmail).toMatch(/^t/);
    expect(tom?.maskedEmail).not.toContain('tom.girard@');
    expect(tom?.maskedMobile).toMatch(/^06/);
    expect(tom?.maskedMobile).not.toContain('0698765432');
    expect((await port.findByLogin(claire, 'hugo.leroy'))?.activated).toBe(false);
    const director = await port.findByLogin(claire, 'claire.dubois');
    expect(director?.functions).toContainEqual({ code: 'ADMIN_LOCAL', scope: ['struct-jean-moulin'] });
    expect(await port.findByLogin(claire, 'nobody.here')).toBeNull();

    const julien = await grantFor('julien.moreau');
    expect((await port.findByLogin(julien, 'lea.lambert'))?.id).toBe('demo-pupil-jm');
    expect((await port.findByLogin(julien, 'hugo.leroy'))?.id).toBe('demo-pupil-jm-new');
    expect(await port.findByLogin(julien, 'yanis.benali')).toBeNull();
    const marc = await grantFor('marc.petit');
    expect((await port.findByLogin(marc, 'jade.roux'))?.blocked).toBe(true);
  });

  it('searches by name within a structure', async () => {
    const claire = await grantFor('claire.dubois');
    const found = await port.searchByName(claire, { structureId: 'struct-jean-moulin', name: 'Lambert' });
    expect(found.map((p) => p.login).sort()).toEqual(['lea.lambert', 'sophie.lambert']);
    expect((await port.searchByName(claire, { structureId: 'struct-jean-moulin', name: 'Léa Lambert' })).map((p) => p.login)).toEqual(['lea.lambert']);
    expect(await port.searchByName(claire, { structureId: 'struct-simone-veil', name: 'Benali' })).toEqual([]);
  });

  it('gives a renewal code that logs in once and leads to choosing a password that follows the rules', async () => {
    const julien = await grantFor('julien.moreau');
    const code = await port.generateRenewalCode(julien, 'lea.lambert');
    expect(code).toMatch(/^[a-z0-9]{8}$/);
    const login = await ent.login('lea.lambert', code);
    if (login.kind !== 'reset') throw new Error(`expected the reset page, got ${login.kind}`);
    expect(await login.choose('abcdef')).toBe('rejected');
    expect(await login.choose('Abcdefg1', 'Abcdefg2')).toBe('rejected');
    expect(await login.choose('Nouveau-mdp1')).toBe('done');
    expect((await ent.login('lea.lambert', code)).kind).toBe('refused');
    expect((await ent.login('lea.lambert', 'Nouveau-mdp1')).kind).toBe('logged_in');
  });

  it('applies its own rights whatever Relais checked before', async () => {
    const ines = await grantFor('ines.fontaine');
    expect(await failure(port.generateRenewalCode(ines, 'lea.lambert'))).toBe('ENT_REFUSED');
    const nadia = await grantFor('nadia.haddad');
    expect(await failure(port.generateRenewalCode(nadia, 'lea.lambert'))).toBe('ENT_REFUSED');
    const claire = await grantFor('claire.dubois');
    expect(await failure(port.generateRenewalCode(claire, 'hugo.leroy'))).toBe('ENT_REFUSED');
    expect(await failure(port.setBlocked(claire, 'demo-superadmin', true))).toBe('ENT_REFUSED');
    const julien = await grantFor('julien.moreau');
    expect(await failure(port.setBlocked(julien, 'demo-pupil-jm', true))).toBe('ENT_REFUSED');
    expect(await failure(port.profileBlocks(claire, 'struct-les-tilleuls'))).toBe('ENT_REFUSED');
  });

  it('blocks an account (its sessions end, its login is refused) and unblocks it', async () => {
    const tomGrant = await grantFor('tom.girard');
    const claire = await grantFor('claire.dubois');
    await port.setBlocked(claire, 'demo-pupil-jm-tom', true);
    expect((await port.findByLogin(claire, 'tom.girard'))?.blocked).toBe(true);
    expect((await ent.login('tom.girard', DEMO_PASSWORD)).kind).toBe('refused');
    expect(await failure(port.whoAmI(tomGrant))).toBe('ENT_LINK_EXPIRED');
    await port.setBlocked(claire, 'demo-pupil-jm-tom', false);
    expect((await port.findByLogin(claire, 'tom.girard'))?.blocked).toBe(false);
    expect((await ent.login('tom.girard', DEMO_PASSWORD)).kind).toBe('logged_in');
  });

  it('tells a mass block by profile from the structure administrator’s view', async () => {
    const marc = await grantFor('marc.petit');
    const blocks = await port.profileBlocks(marc, 'struct-les-tilleuls');
    expect(blocks).toEqual([expect.objectContaining({ structureId: 'struct-les-tilleuls', profile: 'Student', blocked: true })]);
  });

  it('shows the channels on file masked, and the same answer for an unknown login as for nothing on file', async () => {
    const tom = await port.passwordChannels('tom.girard');
    if (tom.kind !== 'channels') throw new Error(`expected channels, got ${tom.kind}`);
    expect(tom.channels.mail).toMatch(/^t/);
    expect(tom.channels.mail).not.toContain('tom.girard@');
    expect(tom.channels.mobile).not.toContain('0698765432');
    expect(await port.passwordChannels('lea.lambert')).toEqual({ kind: 'no_match' });
    expect(await port.passwordChannels('nobody.here')).toEqual({ kind: 'no_match' });
    expect(await port.passwordChannels('hugo.leroy')).toEqual({ kind: 'not_activated' });
  });

  it('sends its own reset code to the e-mail or mobile on file, never to anyone else', async () => {
    await port.forgotPassword('tom.girard', 'mail');
    const [code] = await ent.mailbox('tom.girard@exemple.fr');
    expect(code).toMatch(/^[a-z0-9]{8}$/);
    const login = await ent.login('tom.girard', code);
    if (login.kind !== 'reset') throw new Error(`expected the reset page, got ${login.kind}`);
    expect(await login.choose('Tom-mdp-2026')).toBe('done');
    await port.forgotPassword('tom.girard', 'mobile');
    expect(await ent.mailbox('0698765432')).toHaveLength(1);
    expect(await failure(port.forgotPassword('lea.lambert', 'mail'))).toBe('ENT_REFUSED');
    expect(await failure(port.forgotPassword('hugo.leroy', 'mail'))).toBe('ENT_REFUSED');
  });

  it('lets a never-activated account in with its activation code only, to activate it', async () => {
    expect((await ent.login('hugo.leroy', 'act2026h')).kind).toBe('activation');
    expect((await ent.login('hugo.leroy', DEMO_PASSWORD)).kind).toBe('refused');
  });

  it('keeps a renewal code 24 hours', async () => {
    const claire = await grantFor('claire.dubois');
    const late = await port.generateRenewalCode(claire, 'famille.accueil');
    const early = await port.generateRenewalCode(claire, 'paul.durand');
    clock.advance(23 * 3_600_000);
    expect((await ent.login('paul.durand', early)).kind).toBe('reset');
    clock.advance(3_600_000 + 60_000);
    expect((await ent.login('famille.accueil', late)).kind).toBe('refused');
  });
});
