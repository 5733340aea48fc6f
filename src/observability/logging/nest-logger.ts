/**
 * Nest's logger, from the first start-up line to the last shutdown line: every
 * `new Logger(context)` in the code base, and Nest's own messages, become
 * pino JSON lines with the same options as the request lines, so a start that
 * fails (store unreachable) is logged as JSON too, and a line written while a
 * request is served carries its request_id (see log-options.ts).
 */
import type { LoggerService } from '@nestjs/common';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import { pinoBaseOptions } from './log-options';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** The process's pino logger: request lines are written straight to it, Nest's calls through nestLogger. */
export function createPinoLogger(level: LevelWithSilent, stream: DestinationStream): Logger {
  return pino(pinoBaseOptions(level), stream);
}

export function nestLogger(logger: Logger): LoggerService {
  return {
    fatal: (message: unknown, ...rest: unknown[]) => write(logger, 'fatal', message, rest),
    error: (message: unknown, ...rest: unknown[]) => write(logger, 'error', message, rest),
    warn: (message: unknown, ...rest: unknown[]) => write(logger, 'warn', message, rest),
    log: (message: unknown, ...rest: unknown[]) => write(logger, 'info', message, rest),
    debug: (message: unknown, ...rest: unknown[]) => write(logger, 'debug', message, rest),
    verbose: (message: unknown, ...rest: unknown[]) => write(logger, 'trace', message, rest),
  };
}

/**
 * Nest passes the context last; before it, for errors, a stack string, and for
 * an object logged with a message (`log({ … }, 'message')`), that message.
 */
function write(logger: Logger, level: Level, message: unknown, rest: unknown[]): void {
  if (!logger.isLevelEnabled(level)) return;
  const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
  const before = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
  if (message instanceof Error) logger[level]({ context, err: message }, message.message);
  else if (typeof message === 'object' && message !== null) {
    if (before === undefined) logger[level]({ context, ...message });
    else logger[level]({ context, ...message }, before);
  } else logger[level]({ context, ...(before ? { err: { stack: before } } : {}) }, String(message));
}
