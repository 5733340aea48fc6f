/** Admin API: create, list and read API keys (contract "Admin REST API"). */
import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Problem } from '../common/errors/problem';
import { RequestContextService } from '../common/http/request-context.service';
import { parseBody } from '../common/http/zod-body';
import { CurrentPrincipal, Scopes } from '../guard/decorators';
import type { Principal } from '../guard/principal';
import { createKeySchema, toNewKeyRequest } from './create-key.dto';
import { isValidClientId } from './credentials';
import type { KeyPage, KeyView } from './key-view';
import { KeysService } from './keys.service';
import { parseListQuery } from './list-keys.query';

/** A malformed id names no key: 404, as for an unknown one. */
export function keyIdParam(clientId: string): string {
  if (!isValidClientId(clientId)) throw Problem.notFound(`No API key ${clientId.slice(0, 64)}`);
  return clientId;
}

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
    const { key, clientSecret } = await this.keys.create(toNewKeyRequest(dto), { clientId: admin.clientId, context: this.contexts.of(req) });
    return { ...key, client_secret: clientSecret };
  }

  @Get()
  @Scopes('admin:keys:read')
  list(@Query() query: unknown): Promise<KeyPage> {
    return this.keys.list(parseListQuery(query));
  }

  @Get(':client_id')
  @Scopes('admin:keys:read')
  get(@Param('client_id') clientId: string): Promise<KeyView> {
    return this.keys.get(keyIdParam(clientId));
  }
}
