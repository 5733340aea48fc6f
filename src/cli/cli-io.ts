/**
 * Where the CLI writes: JSON results to stdout, problems to stderr. An
 * injectable seam so in-process tests read exactly what an operator sees.
 */
import { Problem } from '../common/errors/problem';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const CLI_IO = Symbol('wagmix.cliIo');

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** A refused command as the API would refuse it: the problem's JSON, on stderr. */
export function printError(io: CliIo, err: unknown): void {
  if (err instanceof Problem) {
    io.err(`${JSON.stringify({ type: err.type, title: err.title, status: err.status, detail: err.detail, ...err.extensions })}\n`);
  } else {
    io.err(`wagmix-auth: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
