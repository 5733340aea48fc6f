import { Body, Controller, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Problem } from '../common/errors/problem';
import { RequestContextService } from '../common/http/request-context.service';
import { parseBody } from '../common/http/zod-body';
import { CurrentPrincipal, Scopes } from '../guard/decorators';
import type { Principal } from '../guard/principal';
import { createKeySchema } from './create-key.dto';
import { isValidClientId } from './credentials';
import type { KeyView } from './key-view';
import { KeysService } from './keys.service';

@Controller('admin/keys')
export class KeysController {
  constructor(
    private readonly keys: KeysService,
    private readonly contexts: RequestContextService,
  ) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Scopes('admin:keys:write')
  async create(@Body() body: unknown, @CurrentPrincipal() admin: Principal, @Req() req: FastifyRequest): Promise<KeyView & { client_secret: string }> {
    const dto = parseBody(createKeySchema, body);
    const { key, clientSecret } = await this.keys.create(
      {
        accountId: dto.account_id,
        label: dto.label,
        scopes: dto.scopes,
        allowedCidrs: dto.allowed_cidrs,
        tokenTtlSeconds: dto.token_ttl_seconds,
        expiresAt: dto.expires_at ? new Date(dto.expires_at) : null,
      },
      { clientId: admin.clientId, context: this.contexts.of(req) },
    );
    return { ...key, client_secret: clientSecret };
  }

  @Get(':client_id')
  @Scopes('admin:keys:read')
  async get(@Param('client_id') clientId: string): Promise<KeyView> {
    if (!isValidClientId(clientId)) throw Problem.notFound(`No API key ${clientId.slice(0, 64)}`);
    return this.keys.get(clientId);
  }
}
