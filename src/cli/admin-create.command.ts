/**
 * `admin:create`: the only way besides the bootstrap variables to make an
 * admin key (the admin API never creates one). It expires after
 * KEY_DEFAULT_LIFETIME_DAYS unless --expires-at or --never-expires says
 * otherwise: an admin key for a person or a tool should end on its own.
 */
import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { z } from 'zod';
import { Problem } from '../common/errors/problem';
import { parseBody } from '../common/http/zod-body';
import { allowedCidrsField, expiresAtField, labelField, scopesField, tokenTtlField } from '../keys/create-key.dto';
import { KeysService } from '../keys/keys.service';
import { operatorActor } from './cli-actor';
import { CLI_IO, type CliIo, printJson } from './cli-io';
import { collect, wholeNumber } from './cli-options';

interface AdminOptions {
  label?: string;
  scope?: string[];
  allScopes?: boolean;
  cidr?: string[];
  ttl?: number | string;
  expiresAt?: string;
  neverExpires?: boolean;
}

const adminKeySchema = z
  .object({
    label: labelField,
    scopes: scopesField,
    allowed_cidrs: allowedCidrsField.optional(),
    token_ttl_seconds: tokenTtlField.optional(),
    expires_at: expiresAtField.optional(),
  })
  .strict();

@Command({ name: 'admin:create', description: 'Create an admin key with the admin scopes you choose; prints its secret once' })
export class AdminCreateCommand extends CommandRunner {
  constructor(
    private readonly keys: KeysService,
    @Inject(CLI_IO) private readonly io: CliIo,
  ) {
    super();
  }

  async run(_params: string[], o: AdminOptions = {}): Promise<void> {
    if (o.neverExpires && o.expiresAt !== undefined) throw Problem.badRequest('--expires-at and --never-expires exclude each other');
    if (o.allScopes && o.scope !== undefined) throw Problem.badRequest('--scope and --all-scopes exclude each other');
    const dto = parseBody(adminKeySchema, {
      label: o.label,
      scopes: o.allScopes ? this.keys.allAdminScopes() : o.scope,
      allowed_cidrs: o.cidr,
      token_ttl_seconds: o.ttl,
      expires_at: o.expiresAt,
    });
    const { key, clientSecret } = await this.keys.create(
      {
        accountId: null,
        label: dto.label,
        scopes: dto.scopes,
        allowedCidrs: dto.allowed_cidrs,
        tokenTtlSeconds: dto.token_ttl_seconds,
        expiresAt: o.neverExpires ? null : dto.expires_at === undefined ? undefined : new Date(dto.expires_at),
      },
      operatorActor(),
    );
    printJson(this.io, { ...key, client_secret: clientSecret });
  }

  @Option({ flags: '--label <text>', description: 'who or what the key is for', required: true })
  parseLabel(v: string): string {
    return v;
  }

  @Option({ flags: '--scope <scope>', description: 'an admin scope (admin:keys:read, admin:keys:write, admin:audit:read, …); repeat for more' })
  parseScope(v: string, previous?: string[]): string[] {
    return collect(v, previous);
  }

  @Option({ flags: '--all-scopes', name: 'allScopes', description: 'every admin scope' })
  parseAllScopes(): boolean {
    return true;
  }

  @Option({ flags: '--cidr <cidr>', description: 'an allowed source address or CIDR; repeat for more' })
  parseCidr(v: string, previous?: string[]): string[] {
    return collect(v, previous);
  }

  @Option({ flags: '--ttl <seconds>', description: 'token lifetime, 60-3600 (default 900; write scopes are capped lower)' })
  parseTtl(v: string): number | string {
    return wholeNumber(v);
  }

  @Option({ flags: '--expires-at <rfc3339>', name: 'expiresAt', description: 'when the key expires (default: KEY_DEFAULT_LIFETIME_DAYS from now)' })
  parseExpiresAt(v: string): string {
    return v;
  }

  @Option({ flags: '--never-expires', name: 'neverExpires', description: 'no expiry, like the bootstrap admin key' })
  parseNeverExpires(): boolean {
    return true;
  }
}
