/**
 * `keys:create`, `keys:rotate` and `keys:revoke`: the admin API's changes,
 * through the same services and schemas, so a key made here follows the
 * same rules and leaves the same events (actor: the operator, see
 * operatorActor). New secrets are printed once, as the API shows them once.
 */
import { Inject } from '@nestjs/common';
import { Command, CommandRunner, Option } from 'nest-commander';
import { parseBody } from '../common/http/zod-body';
import { createKeySchema, toNewKeyRequest } from '../keys/create-key.dto';
import { revokeKeySchema, rotateKeySchema } from '../keys/key-change.dto';
import { KeyRevocationService } from '../keys/key-revocation.service';
import { KeyRotationService } from '../keys/key-rotation.service';
import { keyIdParam } from '../keys/keys.controller';
import { KeysService } from '../keys/keys.service';
import { operatorActor } from './cli-actor';
import { CLI_IO, type CliIo, printJson } from './cli-io';
import { collect, wholeNumber } from './cli-options';

interface CreateOptions {
  account?: string;
  label?: string;
  scope?: string[];
  cidr?: string[];
  ttl?: number | string;
  expiresAt?: string;
}

@Command({ name: 'keys:create', description: 'Create an account API key; prints it with its secret, shown this once' })
export class KeysCreateCommand extends CommandRunner {
  constructor(
    private readonly keys: KeysService,
    @Inject(CLI_IO) private readonly io: CliIo,
  ) {
    super();
  }

  async run(_params: string[], o: CreateOptions = {}): Promise<void> {
    const dto = parseBody(createKeySchema, {
      account_id: o.account,
      label: o.label,
      scopes: o.scope,
      allowed_cidrs: o.cidr,
      token_ttl_seconds: o.ttl,
      expires_at: o.expiresAt,
    });
    const { key, clientSecret } = await this.keys.create(toNewKeyRequest(dto), operatorActor());
    printJson(this.io, { ...key, client_secret: clientSecret });
  }

  @Option({ flags: '--account <account_id>', description: 'the Wagmix account the key acts for', required: true })
  parseAccount(v: string): string {
    return v;
  }

  @Option({ flags: '--label <text>', description: 'what the key is for (1-200 characters)', required: true })
  parseLabel(v: string): string {
    return v;
  }

  @Option({ flags: '--scope <scope>', description: 'a scope to grant; repeat for more', required: true })
  parseScope(v: string, previous?: string[]): string[] {
    return collect(v, previous);
  }

  @Option({ flags: '--cidr <cidr>', description: 'an allowed source address or CIDR; repeat for more (up to 30)' })
  parseCidr(v: string, previous?: string[]): string[] {
    return collect(v, previous);
  }

  @Option({ flags: '--ttl <seconds>', description: 'token lifetime, 60-3600 (default 900)' })
  parseTtl(v: string): number | string {
    return wholeNumber(v);
  }

  @Option({ flags: '--expires-at <rfc3339>', name: 'expiresAt', description: 'when the key expires (default: KEY_DEFAULT_LIFETIME_DAYS from now)' })
  parseExpiresAt(v: string): string {
    return v;
  }
}

@Command({ name: 'keys:rotate', arguments: '<client_id>', description: 'Issue a new secret; the old one works until the grace ends' })
export class KeysRotateCommand extends CommandRunner {
  constructor(
    private readonly rotation: KeyRotationService,
    @Inject(CLI_IO) private readonly io: CliIo,
  ) {
    super();
  }

  async run([clientId = '']: string[], o: { graceSeconds?: number | string } = {}): Promise<void> {
    const id = keyIdParam(clientId);
    const dto = parseBody(rotateKeySchema, o.graceSeconds === undefined ? {} : { grace_seconds: o.graceSeconds });
    const { key, clientSecret } = await this.rotation.rotate(id, dto.grace_seconds, operatorActor());
    printJson(this.io, { ...key, client_secret: clientSecret });
  }

  @Option({
    flags: '--grace-seconds <seconds>',
    name: 'graceSeconds',
    description: 'how long the old secret keeps working, 0-604800 (default 86400); 0 also revokes its tokens',
  })
  parseGrace(v: string): number | string {
    return wholeNumber(v);
  }
}

@Command({ name: 'keys:revoke', arguments: '<client_id>', description: 'Revoke a key and every token it has outstanding' })
export class KeysRevokeCommand extends CommandRunner {
  constructor(
    private readonly revocation: KeyRevocationService,
    @Inject(CLI_IO) private readonly io: CliIo,
  ) {
    super();
  }

  async run([clientId = '']: string[], o: { reason?: string } = {}): Promise<void> {
    const id = keyIdParam(clientId);
    const dto = parseBody(revokeKeySchema, o.reason === undefined ? {} : { reason: o.reason });
    printJson(this.io, await this.revocation.revoke(id, dto.reason ?? null, operatorActor()));
  }

  @Option({ flags: '--reason <text>', description: 'why (up to 500 characters); kept with the key and in the audit event' })
  parseReason(v: string): string {
    return v;
  }
}
