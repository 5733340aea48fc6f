import { pino } from 'pino';
import { Writable } from 'node:stream';
import { pinoHttpOptions, REDACTED, redactPaths, scrubUrl } from './log-options';

/** A real pino logger with our options, writing to memory. */
function capture(level: Parameters<typeof pinoHttpOptions>[0] = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const { level: l, redact, formatters, timestamp, name } = pinoHttpOptions(level);
  return { logger: pino({ level: l, redact, formatters, timestamp, name }, stream), lines };
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

  it('generates one path per key and depth (depth 0 to 5)', () => {
    const paths = redactPaths(['token', 'proxy-authorization']);
    expect(paths).toEqual([
      'token',
      '*.token',
      '*.*.token',
      '*.*.*.token',
      '*.*.*.*.token',
      '*.*.*.*.*.token',
      '["proxy-authorization"]',
      '*["proxy-authorization"]',
      '*.*["proxy-authorization"]',
      '*.*.*["proxy-authorization"]',
      '*.*.*.*["proxy-authorization"]',
      '*.*.*.*.*["proxy-authorization"]',
    ]);
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
});
