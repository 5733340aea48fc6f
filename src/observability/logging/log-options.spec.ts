import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { LevelWithSilent } from 'pino';
import { pinoBaseOptions, redact, REDACTED, scrubUrl } from './log-options';
import { requestLogLevel } from './request-log';

/** A real pino logger with our options, writing to memory. */
function capture(level: LevelWithSilent = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino(pinoBaseOptions(level), stream), lines };
}

describe('log options', () => {
  it('redacts every sensitive key at the top and nested up to five levels down', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        client_secret: 'wgxs_top',
        headers: { authorization: 'Basic abc', 'proxy-authorization': 'Basic def', cookie: 'sid=1' },
        body: { client_secret: 'wgxs_body', token: 'eyJ.body', access_token: 'eyJ.at', refresh_token: 'rt', grant_type: 'client_credentials' },
        a: { b: { c: { d: { token: 'eyJ.deep' } } } },
      },
      'probe',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      name: 'wagmix-auth',
      msg: 'probe',
      client_secret: REDACTED,
      headers: { authorization: REDACTED, 'proxy-authorization': REDACTED, cookie: REDACTED },
      body: { client_secret: REDACTED, token: REDACTED, access_token: REDACTED, refresh_token: REDACTED, grant_type: 'client_credentials' },
      a: { b: { c: { d: { token: REDACTED } } } },
    });
    expect(JSON.stringify(lines)).not.toMatch(/wgxs_|eyJ|Basic|sid=1/);
  });

  it('redacts case-insensitively, inside arrays, and copies only what it changes', () => {
    const clean = { a: 1, b: { c: [1, 2] } };
    expect(redact(clean)).toBe(clean);
    const input = { Authorization: 'Basic x', list: [{ token: 't' }, { ok: true }] };
    expect(redact(input)).toEqual({ Authorization: REDACTED, list: [{ token: REDACTED }, { ok: true }] });
    expect(input.Authorization).toBe('Basic x');
  });

  it('stops below five levels', () => {
    const deep = { a: { b: { c: { d: { e: { f: { token: 't' } } } } } } };
    expect(redact(deep)).toBe(deep);
  });

  it('hides sensitive query parameters and keeps the rest as sent', () => {
    expect(scrubUrl('/oauth2/introspect?token=eyJ.abc&x=1')).toBe(`/oauth2/introspect?token=${REDACTED}&x=1`);
    expect(scrubUrl('/x?Client_Secret=s&access%5Ftoken=t&limit=5')).toBe(`/x?Client_Secret=${REDACTED}&access%5Ftoken=${REDACTED}&limit=5`);
    expect(scrubUrl('/admin/keys?limit=50&cursor=abc')).toBe('/admin/keys?limit=50&cursor=abc');
    expect(scrubUrl('/health/ready')).toBe('/health/ready');
    expect(scrubUrl('/x?%E0%A4%A=1')).toBe('/x?%E0%A4%A=1');
  });

  it('honours the level: below it nothing is written', () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['warn', 'shown']]);
  });

  it('logs a request as a warning when the store is away or the caller throttled, as an error on other 5xx', () => {
    expect([200, 400, 401, 404, 429, 500, 502, 503].map((status) => [status, requestLogLevel(status)])).toEqual([
      [200, 'info'],
      [400, 'info'],
      [401, 'info'],
      [404, 'info'],
      [429, 'warn'],
      [500, 'error'],
      [502, 'error'],
      [503, 'warn'],
    ]);
  });
});
