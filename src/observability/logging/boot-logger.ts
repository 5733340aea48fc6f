/**
 * Nest's logger from the first line until the application exists and
 * nestjs-pino takes over (app.useLogger): the same options and stream, so
 * start-up lines, including those of a start that fails (store unreachable),
 * are JSON lines too rather than Nest's coloured console text.
 */
import type { LoggerService } from '@nestjs/common';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import { pinoBaseOptions } from './log-options';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export function bootLogger(level: LevelWithSilent, stream: DestinationStream): LoggerService {
  const logger = pino(pinoBaseOptions(level), stream);
  return {
    fatal: (message: unknown, ...rest: unknown[]) => write(logger, 'fatal', message, rest),
    error: (message: unknown, ...rest: unknown[]) => write(logger, 'error', message, rest),
    warn: (message: unknown, ...rest: unknown[]) => write(logger, 'warn', message, rest),
    log: (message: unknown, ...rest: unknown[]) => write(logger, 'info', message, rest),
    debug: (message: unknown, ...rest: unknown[]) => write(logger, 'debug', message, rest),
    verbose: (message: unknown, ...rest: unknown[]) => write(logger, 'trace', message, rest),
  };
}

/** Nest passes the context last, and for errors a stack string before it. */
function write(logger: Logger, level: Level, message: unknown, rest: unknown[]): void {
  const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
  const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
  if (message instanceof Error) logger[level]({ context, err: message }, message.message);
  else if (typeof message === 'object' && message !== null) logger[level]({ context, ...message });
  else logger[level]({ context, ...(stack ? { err: { stack } } : {}) }, String(message));
}
