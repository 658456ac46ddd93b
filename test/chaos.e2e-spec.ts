import { eventually } from './support/http-target';
import { ChaosRig } from './support/chaos-rig';
import { DRIVERS } from './support/test-app';

/**
 * Two replicas on the same PostgreSQL and Redis under a stream of ticket
 * creations; one is killed with SIGKILL mid-stream (issue 12). Every
 * acknowledged ticket is there once, every reminder, breach and escalation of
 * their short deadlines happens once, and the académie's webhook gets every
 * notification, once per delivery id. PGlite is one process: PostgreSQL + Redis only.
 */
(DRIVERS.database === 'postgres' && DRIVERS.queue === 'bull' ? describe : describe.skip)('two replicas, one killed (postgres + bull)', () => {
  let rig: ChaosRig;

  beforeAll(async () => {
    rig = await ChaosRig.start({ databaseUrl: process.env.DATABASE_URL!, redisUrl: process.env.REDIS_URL! });
    await rig.startReplica(0);
    await rig.startReplica(1);
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('loses nothing and does nothing twice', async () => {
    const load = rig.load(12, 80);
    await eventually(() => load.stats.acknowledged.size >= 150, 30_000, '150 acknowledged tickets');
    await rig.killReplica(0);
    const atKill = load.stats.acknowledged.size;
    // The survivor goes on taking the stream alone, and the killed replica's claims run out.
    await eventually(() => load.stats.acknowledged.size >= atKill + 150, 30_000, '150 more tickets on the survivor');
    const stats = await load.stop();
    await rig.settle(60_000);
    const audit = await rig.audit(stats.acknowledged);

    expect(stats.abandoned).toBe(0);
    expect({ missing: audit.missing, duplicates: audit.duplicates }).toEqual({ missing: [], duplicates: 0 });
    // Each ticket climbed school → ERUN → académie: 3 reminders, 3 breaches, 2 escalations, none twice.
    expect({ unfinished: audit.unfinished, repeated: audit.deadlinesRepeated }).toEqual({ unfinished: 0, repeated: 0 });
    expect(audit.deadlinesFired).toBe((audit.present + audit.unacknowledged) * 8);
    // One escalation to the académie per ticket, each received under its delivery id.
    expect(audit.notifications).toBeGreaterThanOrEqual(audit.present);
    expect({ missing: audit.notificationsMissing, undelivered: audit.notificationsUndelivered }).toEqual({ missing: 0, undelivered: 0 });
    // A delivery cut by the kill after the receiver answered is sent again under the same id (the receiver drops it): at most those in flight.
    expect(audit.notificationRepeats).toBeLessThanOrEqual(5);
  }, 180_000);
});
