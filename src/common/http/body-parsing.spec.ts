import { parseContentType, unstorableTextIssues } from './body-parsing';

describe('parseContentType', () => {
  it.each([
    ['application/json', { type: 'application/json' }],
    ['Application/JSON; Charset=UTF-8', { type: 'application/json', charset: 'utf-8' }],
    ['application/json;charset="utf-8"', { type: 'application/json', charset: 'utf-8' }],
    ['application/x-www-form-urlencoded; foo=bar; charset=latin1', { type: 'application/x-www-form-urlencoded', charset: 'latin1' }],
  ])('reads %s', (header, expected) => {
    expect(parseContentType(header)).toEqual(expected);
  });

  it.each(['', ';', 'json', 'application/json; charset', 'application/json;;', 'application/json; charset=', 'é/é'])('refuses %j', (header) => {
    expect(parseContentType(header)).toBeNull();
  });
});

describe('unstorableTextIssues', () => {
  it('names every key and value PostgreSQL cannot store, at any depth', () => {
    const issues = unstorableTextIssues({ a: 'ok', b: ['x', 'y\u0000'], c: { ['k\ud800']: { d: '\udfff' } } });
    expect(issues.map((i) => i.path).sort()).toEqual(['b.1', 'c."k\\ud800"', 'c.k\ud800.d'].sort());
  });

  it('walks nesting a recursive walk would not survive', () => {
    let deep: unknown = 'fond\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(unstorableTextIssues(deep)).toHaveLength(1);
  });

  it('stops after 20 issues', () => {
    expect(unstorableTextIssues(Array.from({ length: 100 }, () => '\u0000'))).toHaveLength(20);
  });

  it('finds nothing in storable bodies', () => {
    expect(unstorableTextIssues({ subject: 'Merci 😀', n: 1, ok: true, none: null })).toEqual([]);
  });
});
