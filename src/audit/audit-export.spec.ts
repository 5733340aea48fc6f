import type { AuditEventView } from './audit-event';
import { csvField, csvHeader, csvRow, ndjsonRow } from './audit-export';

const event: AuditEventView = {
  id: '7',
  occurred_at: '2026-12-03T10:00:00.000Z',
  type: 'token.denied',
  outcome: 'failure',
  actor: { client_id: 'wgxk_a', ip: '127.0.0.1', user_agent: 'evil, "ua"\r\nnext' },
  subject: { client_id: 'wgxk_a', account_id: null, jti: null },
  reason: 'bad_secret',
  request_id: '',
  data: { error: 'invalid_client', n: 1 },
  prev_hash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};

describe('audit export formats', () => {
  it('quotes CSV fields per RFC 4180 only when needed; null is empty, "" is quoted', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('""');
    expect(csvField('=1+1')).toBe('=1+1');
  });

  it('flattens an event into the header columns, data as JSON text', () => {
    expect(csvHeader()).toBe(
      'id,occurred_at,type,outcome,actor_client_id,actor_ip,actor_user_agent,subject_client_id,subject_account_id,subject_jti,reason,request_id,data,prev_hash,hash\r\n',
    );
    expect(csvRow(event)).toBe(
      `7,2026-12-03T10:00:00.000Z,token.denied,failure,wgxk_a,127.0.0.1,"evil, ""ua""\r\nnext",wgxk_a,,,bad_secret,"","{""error"":""invalid_client"",""n"":1}",${'a'.repeat(64)},${'b'.repeat(64)}\r\n`,
    );
  });

  it('writes one JSON event per NDJSON line', () => {
    const line = ndjsonRow(event);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(event);
  });
});
