import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * New rows reach the trigram index of ticket text through GIN's pending list;
 * the insert that finds the list full merges it into the index, alone, while
 * its batch of tickets waits. At the default 4 MB that merge took 50–70 ms
 * every second or two under load and made the creation p99; at 256 kB it is
 * as much work in all, in short steps.
 */
export class TextIndexPendingList1764100000000 implements MigrationInterface {
  name = 'TextIndexPendingList1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX tickets_text SET (gin_pending_list_limit = 256)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER INDEX tickets_text RESET (gin_pending_list_limit)`);
  }
}
