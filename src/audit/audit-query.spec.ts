import { buildPageQuery } from './audit-query';

describe('audit page SQL', () => {
  it('is one newest-first range scan with every filter as a parameter', () => {
    const q = buildPageQuery({ type: 'token.issued', outcome: 'success', accountId: 'acc' }, { minId: '10', maxId: '90', beforeId: '50' }, 51);
    expect(q.text.replace(/\s+/g, ' ')).toMatch(
      /FROM audit_events WHERE type = \$1 AND outcome = \$2 AND subject_account_id = \$3 AND id >= \$4::bigint AND id <= \$5::bigint AND id < \$6::bigint ORDER BY id DESC LIMIT \$7$/,
    );
    expect(q.params).toEqual(['token.issued', 'success', 'acc', '10', '90', '50', 51]);
  });

  it('takes the ids of one type\'s failures first, then their rows (the partial index of failures serves the first step)', () => {
    const q = buildPageQuery({ type: 'token.issued', outcome: 'failure' }, { beforeId: '50' }, 51);
    expect(q.text.replace(/\s+/g, ' ')).toMatch(
      /FROM audit_events WHERE id IN \(SELECT id FROM audit_events WHERE type = \$1 AND outcome = \$2 AND id < \$3::bigint ORDER BY id DESC LIMIT \$4\) ORDER BY id DESC$/,
    );
    expect(q.params).toEqual(['token.issued', 'failure', '50', 51]);
  });

  it('turns client_id into two index scans merged without duplicates', () => {
    const q = buildPageQuery({ clientId: "x' OR 1=1" }, {}, 5);
    const text = q.text.replace(/\s+/g, ' ');
    expect(text).toMatch(/^SELECT DISTINCT ON \(e\.id\) \* FROM \(/);
    expect(text).toContain('WHERE actor_client_id = $2 ORDER BY id DESC LIMIT $1');
    expect(text).toContain('WHERE subject_client_id = $2 ORDER BY id DESC LIMIT $1');
    expect(text).toContain('UNION ALL');
    expect(q.params).toEqual([5, "x' OR 1=1"]);
  });
});
