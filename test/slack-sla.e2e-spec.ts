import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { parse, stringify } from 'yaml';
import { DEFAULT_ROUTING_RULES_FILE } from '../src/routing/routing-rules';
import { createTicket, PEOPLE } from './factories/ticket.factory';
import { eventually } from './support/http-target';
import { MovingClock } from './support/moving-clock';
import { SlackServer } from './support/slack-server';
import { DRIVERS, TestApp, TestStore } from './support/test-app';

/** Val-Fleuri's Slack channel in the demo directory. */
const VAL_FLEURI = 'C0DEMOVALF';
/** Monday 23 November 2026, 10:00 in Paris: inside working hours, so deadlines run. */
const MONDAY_10H = new Date('2026-11-23T09:00:00Z');

/** The real rules with the ERUN's first-response deadline in seconds: the warning at half of it. */
function rulesFile(dir: string): string {
  const rules = parse(readFileSync(DEFAULT_ROUTING_RULES_FILE, 'utf8'));
  rules.sla.remindAt = 0.5;
  for (const priority of ['bloquant', 'majeur', 'mineur']) rules.sla.policies.erun[priority] = { firstResponse: '4s', resolution: '30m' };
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, stringify(rules));
  return file;
}

/** SLA warnings in the card's thread, before the breach and at it (issue 16, item 6). */
describe(`Slack SLA warnings (${DRIVERS.database} + ${DRIVERS.queue})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-slack-sla-'));
  let slack: SlackServer;
  let store: TestStore;
  let t: TestApp;
  let writer: string;

  beforeAll(async () => {
    slack = await SlackServer.start();
    store = await TestStore.create({
      ...slack.appEnv(),
      ROUTING_RULES_FILE: rulesFile(dir),
      SLA_SWEEP_SECONDS: '0.2',
    });
    t = await TestApp.start(store, { clock: new MovingClock(MONDAY_10H) });
    writer = await t.apiKey(['tickets:read', 'tickets:write', 'act_as'], 'ent');
  });
  afterAll(async () => {
    await t?.close();
    await store?.destroy();
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const query = <R>(sql: string, values: unknown[] = []) => t.app.get(DataSource).query(sql, values) as Promise<R[]>;
  async function cardOf(reference: string): Promise<string> {
    return (await eventually(
      () => query<{ ts: string }>('SELECT c.ts FROM slack_cards c JOIN tickets t ON t.id = c.ticket_id WHERE t.reference = $1 AND c.channel_id = $2', [reference, VAL_FLEURI]).then((r) => r[0]?.ts),
      10_000,
      `the card of ${reference}`,
    ))!;
  }
  const threadOf = (ts: string) => slack.callsOf('chat.postMessage', (a) => a.channel === VAL_FLEURI && a.thread_ts === ts).map((c) => String(c.args.text));

  it('warns the channel before the first-response deadline of a ticket nobody claimed, then at the breach', async () => {
    const reference = await createTicket(t, writer, { requester: PEOPLE.teacher, subject: 'Partager un dossier', description: "Comment partager un dossier de l'espace documentaire avec mes collègues ?" });
    const ts = await cardOf(reference);
    const breach = await eventually(() => threadOf(ts).find((text) => text.includes('Échéance dépassée')), 15_000, 'the breach warning');
    const thread = threadOf(ts);
    const reminder = thread.find((text) => text.includes('Échéance proche'));
    expect(reminder).toMatch(/^<!channel> ⏰ Échéance proche\u00a0: ce ticket doit être traité avant le \d{1,2} novembre 2026 à \d{2}:\d{2}\.$/);
    expect(breach).toMatch(/^<!channel> 🚨 Échéance dépassée\u00a0: ce ticket devait être traité avant le /);
    expect(thread.indexOf(reminder!)).toBeLessThan(thread.indexOf(breach));
    // Each once.
    await new Promise((r) => setTimeout(r, 1000));
    expect(threadOf(ts).filter((text) => text.includes('Échéance proche'))).toHaveLength(1);
  });

  it('mentions the person who claimed it', async () => {
    await query('UPDATE people SET slack_user_id = $1 WHERE ent_user_id = $2', ['U0SLAERUN', PEOPLE.erunValFleuri.entUserId]);
    const reference = await createTicket(t, writer, { requester: PEOPLE.teacher, subject: 'Partager un dossier de cycle', description: "Comment partager un dossier de l'espace documentaire avec le cycle 3 ?" });
    const ts = await cardOf(reference);
    await t.http
      .post(`/api/v1/tickets/${reference}/transitions`)
      .set('Authorization', writer)
      .set('X-On-Behalf-Of', PEOPLE.erunValFleuri.entUserId)
      .send({ action: 'claim' })
      .expect(200);
    const reminder = await eventually(() => threadOf(ts).find((text) => text.includes('Échéance proche')), 15_000, 'the reminder');
    expect(reminder.startsWith('<@U0SLAERUN> ⏰')).toBe(true);
  });
});
