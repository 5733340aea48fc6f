/** `keys:list` and `keys:show`: the admin API's GET /admin/keys and GET /admin/keys/{id}, as JSON. */
import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { keyIdParam } from '../keys/keys.controller';
import { KeysService } from '../keys/keys.service';
import { parseListQuery } from '../keys/list-keys.query';
import { CLI_IO, type CliIo, printJson } from './cli-io';

interface ListOptions {
  account?: string;
  status?: string;
  limit?: string;
  cursor?: string;
}

@Command({ name: 'keys:list', description: 'List API keys, newest first (one page; pass --cursor for the next)' })
export class KeysListCommand extends CommandRunner {
  constructor(
    private readonly keys: KeysService,
    @Inject(CLI_IO) private readonly io: CliIo,
  ) {
    super();
  }

  async run(_params: string[], o: ListOptions = {}): Promise<void> {
    const query = { account_id: o.account, status: o.status, limit: o.limit, cursor: o.cursor };
    const defined = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
    printJson(this.io, await this.keys.list(parseListQuery(defined)));
  }

  @Option({ flags: '--account <account_id>', description: 'only keys of this account' })
  parseAccount(v: string): string {
    return v;
  }

  @Option({ flags: '--status <status>', description: 'active, revoked or expired' })
  parseStatus(v: string): string {
    return v;
  }

  @Option({ flags: '--limit <n>', description: 'keys per page, 1-200 (default 50)' })
  parseLimit(v: string): string {
    return v;
  }

  @Option({ flags: '--cursor <cursor>', description: 'next_cursor of the previous page' })
  parseCursor(v: string): string {
    return v;
  }
}

@Command({ name: 'keys:show', arguments: '<client_id>', description: 'Show one API key (metadata only, never a secret)' })
export class KeysShowCommand extends CommandRunner {
  constructor(
    private readonly keys: KeysService,
    @Inject(CLI_IO) private readonly io: CliIo,
  ) {
    super();
  }

  async run([clientId = '']: string[]): Promise<void> {
    printJson(this.io, await this.keys.get(keyIdParam(clientId)));
  }
}
