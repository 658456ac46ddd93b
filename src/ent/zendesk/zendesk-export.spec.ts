import { ChangeSpan, exportPage, exportWindow } from './zendesk-export';

const span = (id: string, first: number, last = first): ChangeSpan => ({ id, first, last });

describe('incremental export pages', () => {
  it('covers the seconds after start_time up to 90 s ago, and nothing when start_time is later', () => {
    expect(exportWindow(1000, 2000_500)).toEqual({ after: 1000, upTo: 1910 });
    expect(exportWindow(1910, 2000_500)).toBeNull();
    expect(exportWindow(1950, 2000_500)).toBeNull();
  });

  it('returns everything in one page up to the cutoff when it fits', () => {
    expect(exportPage([span('1', 10, 20), span('2', 15)], 1000, 99)).toEqual({ ids: ['1', '2'], endTime: 99, endOfStream: true });
    expect(exportPage([], 1000, 99)).toEqual({ ids: [], endTime: 99, endOfStream: true });
  });

  it('ends a page at a second no ticket straddles', () => {
    // Ticket 2 changed at 12 and again at 30: the page goes on until 30, taking ticket 3.
    const spans = [span('1', 10), span('2', 12, 30), span('3', 25), span('4', 31), span('5', 40)];
    expect(exportPage(spans, 2, 99)).toEqual({ ids: ['1', '2', '3'], endTime: 30, endOfStream: false });
    expect(exportPage(spans.slice(3), 2, 99)).toEqual({ ids: ['4', '5'], endTime: 99, endOfStream: true });
  });

  it('takes every ticket changed in the same second as the last one of a page', () => {
    const spans = [span('1', 10), span('2', 10), span('3', 10), span('4', 11)];
    expect(exportPage(spans, 1, 99)).toEqual({ ids: ['1', '2', '3'], endTime: 10, endOfStream: false });
  });

  it('splits any set of changes into pages that together hold each ticket once, in windows that follow each other', () => {
    const spans = Array.from({ length: 60 }, (_, i) => span(String(i), 100 + ((i * 7) % 23), 100 + ((i * 7) % 23) + (i % 5) * 3)).sort(
      (a, b) => a.first - b.first || Number(a.id) - Number(b.id),
    );
    let rest = spans;
    let after = 99;
    const seen: string[] = [];
    for (let guard = 0; rest.length > 0 && guard < 100; guard++) {
      const page = exportPage(rest, 4, 999);
      const mine = rest.filter((s) => page.ids.includes(s.id));
      expect(mine.every((s) => s.first > after && s.last <= page.endTime)).toBe(true);
      seen.push(...page.ids);
      after = page.endTime;
      rest = rest.filter((s) => !page.ids.includes(s.id));
      expect(rest.every((s) => s.first > page.endTime)).toBe(true);
    }
    expect(seen.sort()).toEqual(spans.map((s) => s.id).sort());
  });
});
