/**
 * nest-commander sets commander's exit override on the root command only,
 * and commander does not pass it on to commands added with addCommand: a
 * usage error in a subcommand (a missing required option) would call
 * process.exit() at once, skipping the close of the application and of an
 * embedded store the CLI started. This gives every command the override, and
 * the CLI's output streams, once nest-commander has built them.
 */
import { Injectable } from '@nestjs/common';
import { InjectCommander } from 'nest-commander';
import type { CliIo } from './cli-io';

/** The part of commander's Command used here (commander is nest-commander's dependency, not ours). */
interface CommandTree {
  readonly commands: readonly CommandTree[];
  exitOverride(fn: (err: Error) => never): unknown;
  configureOutput(output: { writeOut(text: string): void; writeErr(text: string): void }): unknown;
}

@Injectable()
export class CommandSafety {
  constructor(@InjectCommander() private readonly root: CommandTree) {}

  apply(io: CliIo): void {
    const visit = (command: CommandTree): void => {
      command.exitOverride((err) => {
        throw err;
      });
      command.configureOutput({ writeOut: io.out, writeErr: io.err });
      command.commands.forEach(visit);
    };
    visit(this.root);
  }
}
