/**
 * Where log lines go: JSON lines on stdout, or pino-pretty's human-readable
 * form when LOG_FORMAT=pretty, or (LOG_FORMAT unset) outside production when
 * stdout is a terminal. pino-pretty is a development dependency, absent from
 * the production image: asking for it there falls back to JSON with a warning
 * rather than failing to start.
 */
import { destination, type DestinationStream } from 'pino';
import type { AppConfig } from '../../config/app-config';

export interface LogDestination {
  readonly stream: DestinationStream;
  /** A note to log once the logger is up. */
  readonly warning?: string;
}

export async function defaultLogDestination(config: Pick<AppConfig, 'logFormat' | 'production'>): Promise<LogDestination> {
  const tty = process.stdout.isTTY === true;
  const pretty = config.logFormat === 'pretty' || (config.logFormat === undefined && !config.production && tty);
  if (pretty) {
    try {
      const { default: build } = await import('pino-pretty');
      return {
        stream: build({
          colorize: tty,
          translateTime: 'SYS:HH:MM:ss.l',
          // One line per event for a human: the context in front, the request's headers left to the JSON form.
          messageFormat: '{if context}[{context}] {end}{msg}',
          ignore: 'pid,hostname,name,context,req,res',
          sync: true,
        }),
      };
    } catch {
      const warning = 'LOG_FORMAT=pretty needs the pino-pretty package (a development dependency); logging JSON lines instead';
      return { stream: destination({ fd: 1, sync: true }), warning };
    }
  }
  // Synchronous writes: no line is lost when the process exits right after logging (a fatal start-up error).
  return { stream: destination({ fd: 1, sync: true }) };
}
