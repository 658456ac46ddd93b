import { DataSource } from 'typeorm';
import { AccountsClient } from './support/account-actors';
import { DEMO_PASSWORD, ENT_KINDS, EntKind, EntUnderTest, pathOf } from './support/ent-under-test';
import { MovingClock } from './support/moving-clock';
import { TestApp, TestStore } from './support/test-app';

const SLACK = { channel: 'slack', externalId: 'T0DEMO:ULINK1', displayName: 'Claire D.' } as const;
const DISCORD = { channel: 'discord', externalId: '300000000000000001' } as const;
const WEBCHAT = { channel: 'webchat', externalId: 'session-link-1' } as const;

/** Linking a chat identity to an ENT account: one-time links through the ENT's authorization-code flow, listing, unlinking. */
describe.each(ENT_KINDS)('linking chat identities to ENT accounts (%s)', (kind: EntKind) => {
  const clock = new MovingClock(new Date('2026-03-02T08:00:00Z'));
  let ent: EntUnderTest;
  let store: TestStore;
  let t: TestApp;
  let linker: string;
  let api: AccountsClient;

  beforeAll(async () => {
    ent = await EntUnderTest.start(kind, clock);
    store = await TestStore.create(ent.env());
    t = await TestApp.start(store, { clock });
    ent.attach(t);
    linker = await t.apiKey(['accounts:link']);
    api = new AccountsClient(t, await t.apiKey(['accounts:act', 'act_as']));
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
    await ent?.close();
  });

  const offer = async (identity: object) => {
    const res = await t.http.post('/api/v1/accounts/links').set('Authorization', linker).send({ identity });
    expect(res.status).toBe(201);
    return res.body as { url: string; expiresAt: string; text: string };
  };
  const links = async (identity: { channel: string; externalId: string }) =>
    (await t.http.get(`/api/v1/accounts/links/${identity.channel}/${encodeURIComponent(identity.externalId)}`).set('Authorization', linker)).body;
  const accounts = async () => ((await t.app.get(DataSource).query(`SELECT ent_user_id, grant_box FROM ent_accounts ORDER BY ent_user_id`)) as { ent_user_id: string; grant_box: string }[]);

  it('links through the ENT’s login page, once, and lists the link', async () => {
    const { url, text, expiresAt } = await offer(SLACK);
    expect(text).toContain(url);
    expect(text).toMatch(/10 minutes/);
    const validity = new Date(expiresAt).getTime() - clock.now().getTime();
    expect(validity).toBeGreaterThan(10 * 60_000 - 5_000);
    expect(validity).toBeLessThanOrEqual(10 * 60_000);
    const start = await t.http.get(pathOf(url));
    expect(start.status).toBe(302);
    expect(start.headers.location).toMatch(kind === 'sandbox' ? /\/sandbox-ent\/auth\/oauth2\/auth\?/ : /\/auth\/oauth2\/auth\?/);
    const callback = await ent.authorize(start.headers.location, 'claire.dubois');
    const done = await t.http.get(pathOf(callback));
    expect(done.status).toBe(200);
    expect(done.text).toMatch(/votre compte Slack «\u00a0Claire D.\u00a0» est relié au compte ENT de Claire Dubois/);
    expect(await links(SLACK)).toEqual({ linked: true, links: [expect.objectContaining({ channel: 'slack', externalId: SLACK.externalId, entUserId: 'demo-director-jm', entLogin: 'claire.dubois' })] });
    // The grant is kept encrypted.
    const [row] = await accounts();
    expect(row.grant_box).toMatch(/^v1\./);

    const reused = await t.http.get(pathOf(url));
    expect(reused.status).toBe(409);
    expect(reused.text).toMatch(/déjà servi/);
    const replayed = await t.http.get(pathOf(callback));
    expect(replayed.status).toBe(409);
  });

  it('refuses a tampered link or state, and a refused ENT login links nothing', async () => {
    const { url } = await offer(DISCORD);
    const token = new URL(url).searchParams.get('token')!;
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const res = await t.http.get(`/link?token=${tampered}`);
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/n'est pas valable/);
    expect((await t.http.get('/link?token=../../etc')).status).toBe(404);

    const start = await t.http.get(pathOf(url));
    const location = new URL(start.headers.location);
    const callback = new URL(await ent.authorize(location.toString(), 'julien.moreau'), 'http://relative');
    const state = callback.searchParams.get('state')!;
    const badState = await t.http.get(`/link/callback?code=${encodeURIComponent(callback.searchParams.get('code')!)}&state=${state.slice(0, -1)}x`);
    expect(badState.status).toBe(404);
    const denied = await t.http.get(`/link/callback?error=access_denied&state=${state}`);
    expect(denied.status).toBe(400);
    expect(denied.text).toMatch(/n'a pas été relié/);
    const forged = await t.http.get(`/link/callback?code=not-a-code&state=${state}`);
    expect(forged.status).toBe(400);
    expect(await links(DISCORD)).toEqual({ linked: false, links: [] });
    await expect(ent.authorize(start.headers.location, 'julien.moreau', 'Mauvais-mdp1')).rejects.toThrow(/refused/);
  });

  it('refuses an expired link, before and after the ENT', async () => {
    const first = await offer(WEBCHAT);
    clock.advance(10 * 60_000 + 1_000);
    const late = await t.http.get(pathOf(first.url));
    expect(late.status).toBe(410);
    expect(late.text).toMatch(/expiré/);

    const second = await offer(WEBCHAT);
    const start = await t.http.get(pathOf(second.url));
    const callback = await ent.authorize(start.headers.location, 'tom.girard');
    clock.advance(10 * 60_000 + 1_000);
    expect((await t.http.get(pathOf(callback))).status).toBe(410);
    expect(await links(WEBCHAT)).toEqual({ linked: false, links: [] });
  });

  it('lists every identity of one person, unlinks one at a time, and forgets the grant with the last', async () => {
    await ent.link(linker, DISCORD, 'claire.dubois');
    expect((await links(SLACK)).links.map((l: { channel: string }) => l.channel).sort()).toEqual(['discord', 'slack']);
    expect((await t.http.delete(`/api/v1/accounts/links/slack/${SLACK.externalId}`).set('Authorization', linker)).body).toEqual({ removed: true });
    expect(await links(SLACK)).toEqual({ linked: false, links: [] });
    expect((await links(DISCORD)).links).toHaveLength(1);
    expect((await accounts()).map((a) => a.ent_user_id)).toEqual(['demo-director-jm']);
    // Unlinked identities act as nobody.
    const refused = await api.preview({ anonymous: 'unused' }, { action: 'renewal_code', target: { login: 'tom.girard' } });
    expect(refused.body.reason).toBe('not_linked');
    const slackActor = await t.http
      .post('/api/v1/accounts/actions/preview')
      .set('Authorization', (await t.apiKey(['accounts:act', 'act_as'])))
      .set('X-Chat-Identity', `slack:${SLACK.externalId}`)
      .send({ action: 'renewal_code', target: { login: 'tom.girard' } });
    expect(slackActor.body.reason).toBe('not_linked');

    expect((await t.http.delete(`/api/v1/accounts/links/discord/${DISCORD.externalId}`).set('Authorization', linker)).body).toEqual({ removed: true });
    expect(await accounts()).toEqual([]);
    expect((await t.http.delete(`/api/v1/accounts/links/discord/${DISCORD.externalId}`).set('Authorization', linker)).body).toEqual({ removed: false });
  });

  it('moves an identity linked again with another account, and forgets the first grant', async () => {
    await ent.link(linker, WEBCHAT, 'tom.girard');
    await ent.link(linker, WEBCHAT, 'lea.lambert', DEMO_PASSWORD);
    expect((await links(WEBCHAT)).links).toEqual([expect.objectContaining({ entLogin: 'lea.lambert' })]);
    expect((await accounts()).map((a) => a.ent_user_id)).toEqual(['demo-pupil-jm']);
  });

  it('validates what integrations send', async () => {
    const bad = await t.http.post('/api/v1/accounts/links').set('Authorization', linker).send({ identity: { channel: 'msn', externalId: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect((await t.http.post('/api/v1/accounts/links').set('Authorization', (await t.apiKey(['accounts:act', 'act_as']))).send({ identity: SLACK })).status).toBe(403);
    expect((await t.http.post('/api/v1/accounts/links').send({ identity: SLACK })).status).toBe(401);
  });
});
