import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { NotificationsSettle } from '../src/notifications/notifications-settle';
import { TicketCommands } from '../src/tickets/ticket-commands.service';
import { TicketViewers } from '../src/tickets/ticket-viewers.service';
import { eventually } from './support/http-target';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

/** Debian's chromium package by default; CHROMIUM_PATH names another build. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SESSION_TURNS = 12;
const ADDRESS_TURNS = 60;

/** What a session's event stream says first: its transcript. */
async function history(base: string, token: string): Promise<string> {
  const res = await fetch(`${base}/webchat/api/events`, { headers: { Authorization: `Bearer ${token}` } });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('event: history') || !text.endsWith('\n\n')) text += decoder.decode((await reader.read()).value, { stream: true });
  await reader.cancel();
  return text;
}

/** The web chat in headless Chromium, on the real application listening on a port (issue 15, item 4). */
describe(`web chat (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let store: TestStore;
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    store = await TestStore.create({
      WEBCHAT_FRAME_ANCESTORS: 'https://ent.exemple.fr',
      WEBCHAT_SESSION_TURNS_PER_MINUTE: String(SESSION_TURNS),
      WEBCHAT_ADDRESS_TURNS_PER_MINUTE: String(ADDRESS_TURNS),
      WEBCHAT_ADDRESS_SESSIONS_PER_HOUR: '1000',
    });
    t = await TestApp.start(store);
    await t.app.listen(0, '127.0.0.1');
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await store?.destroy();
  });

  /** A visitor's own browser (its own session storage): the demo page, as a demo person or anonymous. */
  async function visitor(person: string | null): Promise<{ page: Page; violations: string[] }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    contexts.push(context);
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
    page.on('pageerror', (e) => violations.push(e.message));
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-ready="true"]');
    if (person) {
      await page.selectOption('#person', person);
      await page.click('#picker button[type="submit"]');
      await page.waitForFunction(() => document.getElementById('who')?.textContent?.includes('démonstration') && document.body.dataset.ready === 'true');
    }
    return { page, violations };
  }
  async function write(page: Page, text: string): Promise<void> {
    const before = await page.locator('.from-relais').count();
    await page.fill('#message', text);
    await page.press('#message', 'Enter');
    await page.waitForFunction((n) => document.querySelectorAll('.from-relais').length > n && !document.getElementById('status')!.textContent, before);
  }
  const lastReply = (page: Page) => page.locator('.from-relais .text').last().textContent();
  const choiceIds = (page: Page) => page.$$eval('.choices button', (buttons) => buttons.map((b) => (b as HTMLElement).dataset.choice));
  const count = async (sql: string, values: unknown[] = []) => ((await t.app.get(DataSource).query(sql, values)) as { n: number }[])[0].n;

  async function session(): Promise<string> {
    const res = await fetch(`${base}/webchat/api/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(201);
    return ((await res.json()) as { token: string }).token;
  }
  const turn = (token: string, body: object) =>
    fetch(`${base}/webchat/api/turns`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  it('sends a strict Content-Security-Policy, and the widget may be framed only by the configured ENT', async () => {
    for (const path of ['/', '/webchat', '/webchat/assets/webchat.js', '/webchat/api/people']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("style-src 'self';");
      expect(csp).not.toContain('unsafe');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await fetch(`${base}/`)).headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await fetch(`${base}/webchat`)).headers.get('content-security-policy')).toContain("frame-ancestors 'self' https://ent.exemple.fr");
    // The pages hold no inline script or style: everything is in the two files.
    const html = await (await fetch(`${base}/`)).text();
    expect(html).not.toMatch(/<script>|<style|\sstyle=|\son\w+=/);
    expect((await fetch(`${base}/webchat/assets/..%2Fdemo.html`)).status).toBe(404);
  });

  it('answers a demo parent on the demo page and records that it helped, with no ticket; the page breaks no rule of its policy', async () => {
    const tickets = await count('SELECT count(*)::int AS n FROM tickets');
    const { page, violations } = await visitor('demo-parent-jm');
    await write(page, "Bonjour, j'ai oublié mon mot de passe pour aller sur l'ENT");
    expect(await lastReply(page)).toMatch(/ÉduConnect/);
    expect(await choiceIds(page)).toEqual(['helped', 'not_helped']);
    await page.click('button[data-choice="helped"]');
    await page.waitForFunction(() => /Tant mieux/.test(document.querySelector('.from-relais:last-child .text')?.textContent ?? ''));
    expect(await page.locator('.choices').count()).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM tickets')).toBe(tickets);
    expect(violations).toEqual([]);
    expect(await page.locator('aside.try').isVisible()).toBe(true);
  });

  it('creates a ticket by keyboard alone (the buttons are reachable and pressed from the keyboard), and shows a staff reply in the open page', async () => {
    const { page } = await visitor('demo-parent-jm');
    await write(page, "ma fille n'apparaît plus dans sa classe sur l'ENT depuis la rentrée");
    expect(await choiceIds(page)).toEqual(['helped', 'not_helped']);
    // The buttons come just before the message box: Maj+Tab from it reaches the last one.
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.choice)).toBe('not_helped');
    let replies = await page.locator('.from-relais').count();
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('.from-relais').length > n, replies);
    expect(await choiceIds(page)).toEqual(['ticket:create', 'ticket:cancel']);
    await page.waitForFunction(() => document.activeElement?.id === 'message');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.choice)).toBe('ticket:create');
    replies = await page.locator('.from-relais').count();
    await page.keyboard.press('Space');
    const reference = await eventually(() => page.locator('[data-ticket]').last().getAttribute('data-ticket').catch(() => undefined), 10_000, 'the ticket reference');
    expect(reference).toMatch(/^AST-\d{4}-\d{6}$/);
    expect(await page.locator('.from-relais').last().textContent()).toContain(reference!);

    const director = await t.app.get(TicketViewers).person('demo-director-jm');
    await t.app.get(TicketCommands).addMessage(reference!, { body: 'Je vérifie dans ONDE et je reviens vers vous.', visibility: 'public', channel: 'api' }, director);
    await t.app.get(NotificationsSettle).settle();
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.from-relais .text')).some((e) => e.textContent?.includes('Je vérifie dans ONDE')), undefined, { timeout: 10_000 });
    expect(await lastReply(page)).toBe(`Claire Dubois (${reference}) : Je vérifie dans ONDE et je reviens vers vous.`.replace(' :', '\u00a0:'));
  });

  it('shows markup typed by a visitor as text, never running it, now and after a reload', async () => {
    const { page } = await visitor(null);
    const markup = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>gras</b>';
    await write(page, markup);
    const check = async (shown: string) => {
      expect(await page.locator('.from-person .text').first().textContent()).toBe(shown);
      expect(await page.locator('#log img, #log script, #log b').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    };
    await check(markup);
    // The transcript keeps the words the engine read (markup read as its words); shown as text again after a reload.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await check('window.__pwned=2 gras');
  });

  it('keeps visitors apart: each session is its own unguessable token, and no other token reaches its conversation', async () => {
    const a = await visitor(null);
    const b = await visitor(null);
    await write(a.page, 'Je suis le visiteur A et mon identifiant est alice.secret');
    await write(b.page, 'Je suis le visiteur B');
    await b.page.reload();
    await b.page.waitForSelector('body[data-ready="true"]');
    expect(await b.page.locator('#log').textContent()).not.toContain('alice.secret');
    expect(await b.page.locator('#log').textContent()).toContain('visiteur B');
    const tokenA = await a.page.evaluate(() => sessionStorage.getItem('relais.webchat.token'));
    const tokenB = await b.page.evaluate(() => sessionStorage.getItem('relais.webchat.token'));
    expect(tokenA).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenB).not.toBe(tokenA);
    // What a session's token opens is its own transcript only.
    expect(await history(base, tokenB!)).not.toContain('alice.secret');
    expect(await history(base, tokenA!)).toContain('alice.secret');
    // The token is stored as a digest only; the conversation's id is never accepted in its place.
    const [row] = (await t.app.get(DataSource).query("SELECT token_digest, external_id FROM webchat_sessions WHERE token_digest = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [tokenA])) as { token_digest: string; external_id: string }[];
    expect(row.token_digest).not.toContain(tokenA);
    for (const forged of [undefined, 'Bearer ', `Bearer ${row.external_id}`, `Bearer ${tokenA!.slice(0, -1)}x`, `Bearer ${row.token_digest}`]) {
      const conversations = await count('SELECT count(*)::int AS n FROM conversation_messages');
      const res = await fetch(`${base}/webchat/api/turns`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(forged ? { Authorization: forged } : {}) }, body: '{"text":"coucou"}' });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('Rechargez la page'), requestId: expect.any(String) });
      expect((await fetch(`${base}/webchat/api/events`, { headers: forged ? { Authorization: forged } : {} })).status).toBe(401);
      expect(await count('SELECT count(*)::int AS n FROM conversation_messages')).toBe(conversations);
    }
  });

  it('works as the widget an ENT frames: an anonymous visitor chats, with labelled controls and a live region', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 560 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/webchat`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#picker').count()).toBe(0);
    expect(await page.getAttribute('#log', 'aria-live')).toBe('polite');
    expect(await page.getAttribute('#log', 'role')).toBe('log');
    expect(await page.locator('label[for="message"]').textContent()).toBe('Votre message');
    await write(page, 'comment j’active mon compte ?');
    // A visitor is asked who they are, with buttons.
    expect(await choiceIds(page)).toEqual(['profile:Teacher', 'profile:Personnel', 'profile:Relative', 'profile:Student', 'profile:Guest']);
    // Readable on a phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it('refuses a malformed turn with the usual error body, changing nothing', async () => {
    const token = await session();
    for (const body of [{ text: 'a', choice: 'helped' }, {}, { text: 42 }, { text: 'a', conversation: 'web-other' }]) {
      const res = await turn(token, body);
      expect(res.status).toBe(400);
      const refusal = (await res.json()) as { code: string; errors: unknown[]; requestId: string };
      expect(refusal).toMatchObject({ code: 'VALIDATION_FAILED', requestId: expect.any(String) });
      expect(refusal.errors.length).toBeGreaterThan(0);
    }
    const res = await fetch(`${base}/webchat/api/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"person":"demo-nobody"}' });
    expect(res.status).toBe(400);
    expect(await count("SELECT count(*)::int AS n FROM webchat_sessions WHERE demo_person = 'demo-nobody'")).toBe(0);
  });

  it('limits the turns of a session, politely in French, in the page too; a refused turn changes nothing', async () => {
    const { page } = await visitor(null);
    const token = (await page.evaluate(() => sessionStorage.getItem('relais.webchat.token')))!;
    let refused: Response | undefined;
    let accepted = 0;
    // A minute boundary may pass during the loop: then the count starts again, once.
    for (let i = 0; i < 2 * SESSION_TURNS + 1 && !refused; i++) {
      const res = await turn(token, { text: '' });
      if (res.status === 429) refused = res;
      else {
        expect(res.status).toBe(200);
        await res.text();
        accepted++;
      }
    }
    expect(refused).toBeDefined();
    expect(accepted).toBeGreaterThanOrEqual(SESSION_TURNS);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused!.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused!.json()).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/un peu vite.*Patientez une minute/), requestId: expect.any(String) });
    const messages = await count('SELECT count(*)::int AS n FROM conversation_messages');
    await page.fill('#message', 'encore une question');
    await page.press('#message', 'Enter');
    await page.waitForFunction(() => /un peu vite/.test(document.querySelector('.from-relais:last-child .text')?.textContent ?? ''));
    expect(await count('SELECT count(*)::int AS n FROM conversation_messages')).toBe(messages);
  });

  it('limits the turns of an address across sessions (counted in the database)', async () => {
    let refused: Response | undefined;
    for (let i = 0; i < 2 * ADDRESS_TURNS + 1 && !refused; i++) {
      const res = await turn(await session(), { text: '' });
      if (res.status === 429) refused = res;
      else await res.text();
    }
    expect(refused).toBeDefined();
    expect(await refused!.json()).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('de votre réseau') });
    const [row] = (await t.app.get(DataSource).query("SELECT max(hits)::int AS n FROM webchat_rate_counts WHERE bucket LIKE 'address:%'")) as { n: number }[];
    expect(row.n).toBeGreaterThan(ADDRESS_TURNS);
    expect(await t.app.get(DataSource).query("SELECT 1 FROM webchat_rate_counts WHERE bucket LIKE '%127.0.0.1%'")).toEqual([]);
  });
});

/** Without the demo data (as in production), nobody can be picked. */
describe(`web chat without demo data (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  let store: TestStore;
  let t: TestApp;

  beforeAll(async () => {
    store = await TestStore.create({ DEMO_DATA: 'false', WEBCHAT_ADDRESS_SESSIONS_PER_HOUR: '3' });
    t = await TestApp.start(store);
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
  });

  it('offers no demo people and refuses to open a session as one', async () => {
    // The page itself is the anonymous chat; the picker and the demo's explanations stay hidden (by its script, tested above).
    const page = await t.http.get('/').expect(200);
    expect(page.text).toContain('id="picker" hidden');
    const people = await t.http.get('/webchat/api/people').expect(200);
    expect(people.body).toEqual({ available: false, people: [] });
    const refused = await t.http.post('/webchat/api/sessions').send({ person: 'demo-parent-jm' }).expect(400);
    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'person' }] });
    expect(await t.app.get(DataSource).query('SELECT 1 FROM webchat_sessions')).toEqual([]);
    const anonymous = await t.http.post('/webchat/api/sessions').send({}).expect(201);
    expect(anonymous.body).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), person: null });
  });

  it('keeps a session across a restart: the page reconnects to its transcript and goes on', async () => {
    const { token } = (await t.http.post('/webchat/api/sessions').send({}).expect(201)).body as { token: string };
    const first = await t.http.post('/webchat/api/turns').set('Authorization', `Bearer ${token}`).send({ text: 'comment j’active mon compte ?' }).expect(200);
    expect(first.text).toContain('profile:Guest');
    await t.close();
    t = await TestApp.start(store);
    await t.app.listen(0, '127.0.0.1');
    const events = await history((await t.app.getUrl()).replace('[::1]', '127.0.0.1'), token);
    expect(events).toContain('comment j’active mon compte ?');
    // The buttons offered before the restart still work.
    const next = await t.http.post('/webchat/api/turns').set('Authorization', `Bearer ${token}`).send({ choice: 'profile:Guest' }).expect(200);
    expect(next.text).toMatch(/event: reply[\s\S]*activ/);
  });

  it('limits the sessions an address opens in an hour (a refused request opens nothing)', async () => {
    // Two anonymous sessions so far from this address (the refused demo one did not count): one more is allowed.
    await t.http.post('/webchat/api/sessions').send({}).expect(201);
    const refused = await t.http.post('/webchat/api/sessions').send({}).expect(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('Trop de conversations'), requestId: expect.any(String) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM webchat_sessions'))[0].n).toBe(3);
  });
});
