import { Problem } from '../common/errors/problem';
import { parseListQuery, parseRfc3339 } from './audit-query.dto';

describe('audit list query', () => {
  it.each([
    ['2026-01-31T23:59:59Z', '2026-01-31T23:59:59.000Z'],
    ['2026-01-31t23:59:59.123456z', '2026-01-31T23:59:59.123Z'],
    ['2026-02-01T01:00:00+02:00', '2026-01-31T23:00:00.000Z'],
    ['2026-02-01T01:00:00 02:00', '2026-01-31T23:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads RFC 3339 %s', (input, iso) => expect(parseRfc3339(input)?.toISOString()).toBe(iso));

  it.each(['2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01', '2026-01-01T00:00Z', 'now', '1700000000'])(
    'refuses %s',
    (input) => expect(parseRfc3339(input)).toBeNull(),
  );

  it('defaults to the first 50 as JSON', () => {
    expect(parseListQuery({})).toEqual({ filters: {}, limit: 50, cursor: undefined, format: 'json' });
  });

  it('maps every filter', () => {
    const q = parseListQuery({ type: 'key.created', outcome: 'success', client_id: 'wgxk_x', account_id: 'acc_1', since: '2026-01-01T00:00:00Z', limit: '200' });
    expect(q.filters).toEqual({ type: 'key.created', outcome: 'success', clientId: 'wgxk_x', accountId: 'acc_1', since: new Date('2026-01-01T00:00:00Z'), until: undefined });
    expect(q.limit).toBe(200);
  });

  it('names every bad field in one 400', () => {
    let caught: unknown;
    try {
      parseListQuery({ since: 'x', limit: '0', bogus: '1' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Problem);
    const fields = ((caught as Problem).extensions.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['bogus', 'limit', 'since']);
  });
});
