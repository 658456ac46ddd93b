/// <reference lib="dom" />
/**
 * npm run screenshot — a real conversation on the demo page, saved to
 * docs/webchat.png: the application on a fresh embedded database with the
 * demo school, Debian's chromium (CHROMIUM_PATH to use another) driven by
 * playwright-core. A parent asks, says the answer did not help, sends her
 * request, and the director's reply arrives in the open page.
 */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createApp } from '../src/bootstrap';
import { NotificationsSettle } from '../src/notifications/notifications-settle';
import { TicketCommands } from '../src/tickets/ticket-commands.service';
import { TicketViewers } from '../src/tickets/ticket-viewers.service';
import { TestStore } from '../test/support/test-app';

const OUTPUT = join(__dirname, '..', '..', 'docs', 'webchat.png');

async function main(): Promise<void> {
  const store = await TestStore.create({ LOG_LEVEL: 'error' }, {});
  const app = await createApp(store.config());
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const page = await browser.newPage({ viewport: { width: 820, height: 1500 }, deviceScaleFactor: 1 });
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.selectOption('#person', 'demo-parent-jm');
    await page.click('#picker button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('who')?.textContent?.includes('Sophie') && document.body.dataset.ready === 'true');
    const replies = () => page.locator('.from-relais').count();
    const answered = async (before: number) => page.waitForFunction((n) => document.querySelectorAll('.from-relais').length > n && !document.getElementById('status')!.textContent, before);
    let before = await replies();
    await page.fill('#message', "Bonjour, ma fille n'apparaît plus dans sa classe sur l'ENT depuis la rentrée");
    await page.press('#message', 'Enter');
    await answered(before);
    before = await replies();
    await page.click('button[data-choice="not_helped"]');
    await answered(before);
    before = await replies();
    await page.click('button[data-choice="ticket:create"]');
    await answered(before);
    const reference = await page.locator('[data-ticket]').last().getAttribute('data-ticket');
    if (!reference) throw new Error('no ticket was created');
    const director = await app.get(TicketViewers).person('demo-director-jm');
    before = await replies();
    await app.get(TicketCommands).addMessage(reference, { body: 'Bonjour Madame Lambert, je vérifie l’inscription de votre fille dans ONDE et je reviens vers vous avant ce soir.', visibility: 'public', channel: 'api' }, director);
    await app.get(NotificationsSettle).settle();
    await answered(before);
    await page.screenshot({ path: OUTPUT, fullPage: true });
    console.log(`saved ${OUTPUT} (ticket ${reference})`);
  } finally {
    await browser.close();
    await app.close();
    await store.destroy();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
