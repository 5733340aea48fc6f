import { AuditCursors } from './audit-cursor';

describe('audit list cursors', () => {
  const cursors = new AuditCursors('pepper-0123456789abcdefghijklmnopqrstuvwxyz');
  const filters = { type: 'token.issued' as const, since: new Date('2026-01-01T00:00:00Z') };

  it('round-trips the last id for the same filters', () => {
    expect(cursors.decode(cursors.encode('12345', filters), { ...filters })).toBe('12345');
  });

  it('refuses a cursor made for other filters, by another key, or edited', () => {
    const c = cursors.encode('12345', filters);
    expect(cursors.decode(c, { type: 'token.denied' })).toBeNull();
    expect(cursors.decode(c, { ...filters, since: new Date('2026-01-01T00:00:01Z') })).toBeNull();
    expect(new AuditCursors('another-pepper-0123456789abcdefghijklmnop').decode(c, filters)).toBeNull();
    const forged = Buffer.from(`99999.${Buffer.from(c, 'base64url').toString().split('.')[1] ?? ''}`).toString('base64url');
    expect(cursors.decode(forged, filters)).toBeNull();
  });

  it.each(['', 'garbage', '!!!', 'a'.repeat(500), Buffer.from('0.x').toString('base64url'), Buffer.from('-1.x').toString('base64url')])(
    'refuses %j',
    (c) => expect(cursors.decode(c, filters)).toBeNull(),
  );
});
