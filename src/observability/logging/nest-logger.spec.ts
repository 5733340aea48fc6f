import { Writable } from 'node:stream';
import { createPinoLogger, nestLogger } from './nest-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: nestLogger(createPinoLogger('info', stream)), lines };
}

describe('nestLogger', () => {
  it("writes Nest's calls as JSON lines with the context Nest passes last", () => {
    const { logger, lines } = capture();
    logger.log('Starting Nest application...', 'NestFactory');
    logger.warn('SECRET_PEPPER is not set', 'Config');
    logger.debug?.('below the level', 'X');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', context: 'NestFactory', msg: 'Starting Nest application...', name: 'wagmix-auth' }),
      expect.objectContaining({ level: 'warn', context: 'Config', msg: 'SECRET_PEPPER is not set' }),
    ]);
  });

  it('keeps the stack of an error, given as an Error or as (message, stack, context)', () => {
    const { logger, lines } = capture();
    logger.error(new Error('connect ECONNREFUSED 127.0.0.1:5432'), 'ExceptionHandler');
    logger.error('unhandled', 'Error: boom\n    at x (y.ts:1:1)', 'HttpError');
    expect(lines[0]).toMatchObject({ level: 'error', context: 'ExceptionHandler', msg: 'connect ECONNREFUSED 127.0.0.1:5432', err: { message: 'connect ECONNREFUSED 127.0.0.1:5432' } });
    expect(lines[1]).toMatchObject({ level: 'error', context: 'HttpError', msg: 'unhandled', err: { stack: 'Error: boom\n    at x (y.ts:1:1)' } });
  });

  it('redacts like the request logger', () => {
    const { logger, lines } = capture();
    logger.log({ msg: 'probe', body: { client_secret: 'wgxs_secret' } }, 'Probe');
    expect(lines[0]).toMatchObject({ context: 'Probe', body: { client_secret: '[Redacted]' } });
  });

  it("an object logged with a message, as `new Logger('Probe').log({ … }, 'probe')` passes it, keeps both", () => {
    const { logger, lines } = capture();
    logger.log({ received: 1 }, 'probe', 'Probe');
    expect(lines[0]).toMatchObject({ level: 'info', context: 'Probe', msg: 'probe', received: 1 });
  });

  it('carries the request id a line about a request is given, and none on other lines', () => {
    const { logger, lines } = capture();
    logger.warn({ request_id: 'req-7' }, 'about a request', 'Probe');
    logger.log('outside', 'Probe');
    expect(lines.map((l) => [l.msg, l.request_id, l.context])).toEqual([
      ['about a request', 'req-7', 'Probe'],
      ['outside', undefined, 'Probe'],
    ]);
  });
});
