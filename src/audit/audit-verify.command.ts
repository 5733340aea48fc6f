/**
 * `audit:verify`: the operator's way to check the audit hash chain without
 * the HTTP API (for example from a cron job or during an incident). Prints
 * the same JSON as GET /admin/audit-events/verify and exits 1 when the chain
 * does not hold, so scripts can alert on it.
 */
import { Command, CommandRunner, Option } from 'nest-commander';
import { AuditVerifier } from './audit-verifier';

export interface AuditVerifyOptions {
  progress?: boolean;
}

/** Progress lines at most this often, in events, on stderr. */
const PROGRESS_EVERY = 100_000;

@Command({ name: 'audit:verify', description: 'Walk the audit hash chain and name the first event that does not hold' })
export class AuditVerifyCommand extends CommandRunner {
  constructor(private readonly verifier: AuditVerifier) {
    super();
  }

  async run(_params: string[], options: AuditVerifyOptions = {}): Promise<void> {
    let reported = 0;
    const result = await this.verifier.verify({
      onProgress: options.progress
        ? (checked, lastId) => {
            if (checked - reported < PROGRESS_EVERY) return;
            reported = checked;
            process.stderr.write(`audit:verify: ${checked} events checked, up to id ${lastId}\n`);
          }
        : undefined,
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (!result.ok) process.exitCode = 1;
  }

  @Option({ flags: '--progress', description: 'report progress on stderr every 100000 events' })
  parseProgress(): boolean {
    return true;
  }
}
