/**
 * The incremental export the ENT polls, shaped by how the ENT reads it.
 * Each pull asks from `start_time` S; the ENT then imports, on every ticket
 * returned, the comments created after S (in whole seconds), takes
 * `end_time` as its next S, and never starts a pull later than 90 s ago.
 * So that each comment is imported exactly once:
 * - a pull covers the seconds (S, C], where C is 90 s ago: a later start
 *   would be pulled back by the ENT and import those seconds twice; and what
 *   was written 90 s ago is committed, so nothing arrives behind C;
 * - a ticket is returned in the pull whose window holds any of its changes
 *   (not only its last): a comment whose ticket changed again since is not
 *   left behind;
 * - a page ends at a second E that no ticket straddles (all changes of the
 *   page's tickets are at or before E, all of the next page's after it): a
 *   ticket never comes back on the next page with comments the ENT already
 *   took. A page may exceed the page size to find such a second.
 */

/** How far behind the clock a pull stops: the ENT starts no pull later than 90 s ago. */
export const EXPORT_LAG_SECONDS = 90;

/** One ticket's changes inside the window, in Unix seconds. */
export interface ChangeSpan {
  id: string;
  first: number;
  last: number;
}

export interface ExportPage {
  ids: string[];
  endTime: number;
  endOfStream: boolean;
}

/** The window a pull from `startTime` covers at `nowMs`: (startTime, cutoff], or nothing yet. */
export function exportWindow(startTime: number, nowMs: number): { after: number; upTo: number } | null {
  const cutoff = Math.floor(nowMs / 1000) - EXPORT_LAG_SECONDS;
  return startTime < cutoff ? { after: startTime, upTo: cutoff } : null;
}

/** The first page of `spans` (ordered by their first change): at least `pageSize` tickets, ending where no ticket straddles. */
export function exportPage(spans: ChangeSpan[], pageSize: number, upTo: number): ExportPage {
  let reach = -Infinity;
  let taken = 0;
  for (const span of spans) {
    if (taken >= pageSize && span.first > reach) break;
    reach = Math.max(reach, span.last);
    taken++;
  }
  const ids = spans.slice(0, taken).map((s) => s.id);
  return taken === spans.length ? { ids, endTime: upTo, endOfStream: true } : { ids, endTime: reach, endOfStream: false };
}
