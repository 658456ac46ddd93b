import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `work` in a transaction holding a database-wide advisory lock named
 * `name`, or not at all when another process holds it: periodic work that
 * replicas share is done by one of them at a time. Returns whether it ran.
 */
export async function underAdvisoryLock(db: DataSource, name: string, work: (m: EntityManager) => Promise<void>): Promise<boolean> {
  return db.transaction(async (m) => {
    const [{ locked }]: { locked: boolean }[] = await m.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [name]);
    if (!locked) return false;
    await work(m);
    return true;
  });
}
