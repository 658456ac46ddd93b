import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { AccountsClient, linkEveryone } from './support/account-actors';
import { EntUnderTest } from './support/ent-under-test';
import { ROOT } from './support/service-process';
import { TestApp, TestStore } from './support/test-app';

const CLI = join(ROOT, 'dist/admin-actions/audit/cli/audit.js');

/**
 * `npm run audit:verify` and `npm run audit:list` on a real log: the chain
 * holds, then someone with database rights edits a row, removes one in the
 * middle, removes the last one; each time the command exits 1 naming the first
 * broken row, and passes again once the row is put back.
 */
describe('audit log commands', () => {
  let ent: EntUnderTest;
  let store: TestStore;

  beforeAll(async () => {
    ent = await EntUnderTest.start('sandbox');
    store = await TestStore.create(ent.env());
    const t = await TestApp.start(store);
    ent.attach(t);
    await linkEveryone(ent, await t.apiKey(['accounts:link']), ['claire']);
    const api = new AccountsClient(t, await t.apiKey(['accounts:act', 'act_as']));
    await api.perform('claire', { action: 'renewal_code', target: { login: 'tom.girard' } });
    await api.preview('claire', { action: 'renewal_code', target: { login: 'julien.moreau' } });
    await api.perform('claire', { action: 'block', target: { login: 'tom.girard' }, reason: 'Vérification' });
    await api.perform('claire', { action: 'unblock', target: { login: 'tom.girard' } });
    // The embedded database is one process at a time: the commands run once the service is gone.
    await t.close();
  });
  afterAll(async () => {
    await store?.destroy();
    await ent?.close();
  });

  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...store.env }, encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  /** Acts on the tables as an intruder with database rights would, append-only trigger switched off. */
  async function tamper(sql: string, params: unknown[] = []): Promise<void> {
    const db = new DataSource(dataSourceOptions(loadConfig(store.env)));
    await db.initialize();
    try {
      await db.query(`ALTER TABLE account_audit_log DISABLE TRIGGER account_audit_log_append_only`);
      await db.query(sql, params);
      await db.query(`ALTER TABLE account_audit_log ENABLE TRIGGER account_audit_log_append_only`);
    } finally {
      await db.destroy();
    }
  }

  it('lists the rows newest first, without any code', () => {
    const listed = run('list', '--limit', '3');
    expect(listed.status).toBe(0);
    const rows = listed.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.seq)).toEqual([5, 4, 3]);
    expect(rows[0]).toMatchObject({ action: 'unblock', outcome: 'done', channel: 'slack', actorEntUserId: 'demo-director-jm', targetLogin: 'tom.girard' });
    const all = run('list', '--target', 'demo-teacher-jm');
    expect(all.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ action: 'renewal_code', outcome: 'refused', reason: 'staff_credentials' })]);
    expect(run('list', '--limit', 'lots').status).toBe(2);
  });

  it('passes on an untouched log and fails from the first altered row', async () => {
    expect(run('verify')).toMatchObject({ status: 0 });
    expect(JSON.parse(run('verify').stdout)).toMatchObject({ ok: true, rows: 5 });

    await tamper(`UPDATE account_audit_log SET target_login = 'quelqu.un' WHERE seq = 2`);
    const altered = run('verify');
    expect(altered.status).toBe(1);
    expect(altered.stderr).toMatch(/broken at row 2: hash mismatch/);
    expect(JSON.parse(altered.stdout)).toMatchObject({ ok: false, seq: 2, problem: 'hash_mismatch' });

    await tamper(`UPDATE account_audit_log SET target_login = 'tom.girard' WHERE seq = 2`);
    expect(run('verify').status).toBe(0);
  });

  it('fails when a row in the middle or the last row is removed', async () => {
    const db = new DataSource(dataSourceOptions(loadConfig(store.env)));
    await db.initialize();
    const rows = (await db.query(`SELECT * FROM account_audit_log WHERE seq IN (3, 5) ORDER BY seq`)) as Record<string, unknown>[];
    await db.destroy();
    const restore = async (row: Record<string, unknown>) =>
      tamper(
        `INSERT INTO account_audit_log (seq, at, actor_key, actor_ent_user_id, actor_name, channel, action, target_ent_user_id, target_login, target_name, outcome, reason, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [row.seq, row.at, row.actor_key, row.actor_ent_user_id, row.actor_name, row.channel, row.action, row.target_ent_user_id, row.target_login, row.target_name, row.outcome, row.reason, JSON.stringify(row.details), row.prev_hash, row.hash],
      );

    await tamper(`DELETE FROM account_audit_log WHERE seq = 3`);
    const middle = run('verify');
    expect(middle.status).toBe(1);
    expect(middle.stderr).toMatch(/broken at row 3: sequence gap/);
    await restore(rows[0]);
    expect(run('verify').status).toBe(0);

    await tamper(`DELETE FROM account_audit_log WHERE seq = 5`);
    const last = run('verify');
    expect(last.status).toBe(1);
    expect(last.stderr).toMatch(/broken at row 5: head mismatch/);
    await restore(rows[1]);
    expect(run('verify').status).toBe(0);
  });
});
