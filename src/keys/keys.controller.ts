/** Admin API: create, list and read API keys (contract "Admin REST API"). */
import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
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
import { listKeysSchema, parseListQuery } from './list-keys.query';
import { ApiJson, ApiProblems } from '../openapi/decorators';
import { ApiZodBody, ApiZodQuery } from '../openapi/zod-schema';

/** OpenAPI description of the {client_id} path parameter. */
export const CLIENT_ID_PARAM = { name: 'client_id', schema: { type: 'string', pattern: '^wgxk_[0-9A-Za-z]{22}$' }, description: 'The key\'s client_id; a malformed one is a 404.' } as const;

/** A malformed id names no key: 404, as for an unknown one. */
export function keyIdParam(clientId: string): string {
  if (!isValidClientId(clientId)) throw Problem.notFound(`No API key ${clientId.slice(0, 64)}`);
  return clientId;
}

@ApiTags('Admin: API keys')
@Controller('admin/keys')
export class KeysController {
  constructor(
    private readonly keys: KeysService,
    private readonly contexts: RequestContextService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key for an account; the secret is in this answer only' })
  @ApiZodBody(createKeySchema)
  @ApiJson(201, 'KeyWithSecret', 'The key, with its client_secret shown this once.', { noStore: true })
  @ApiProblems([400, 'Invalid body: an unknown field, an admin:* or unknown scope, a bad CIDR or date; `errors` names each field.'])
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Scopes('admin:keys:write')
  async create(@Body() body: unknown, @CurrentPrincipal() admin: Principal, @Req() req: FastifyRequest): Promise<KeyView & { client_secret: string }> {
    const dto = parseBody(createKeySchema, body);
    const { key, clientSecret } = await this.keys.create(toNewKeyRequest(dto), { clientId: admin.clientId, context: this.contexts.of(req) });
    return { ...key, client_secret: clientSecret };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys, newest first' })
  @ApiZodQuery(listKeysSchema, { limit: { description: 'Page size, 1-200 (default 50).' }, cursor: { description: 'next_cursor of the previous page.' } })
  @ApiJson(200, 'KeyPage', 'A page of keys.')
  @ApiProblems([400, 'An unknown, repeated or invalid query parameter.'])
  @Scopes('admin:keys:read')
  list(@Query() query: unknown): Promise<KeyPage> {
    return this.keys.list(parseListQuery(query));
  }

  @Get(':client_id')
  @ApiOperation({ summary: 'Read an API key (secret metadata only)' })
  @ApiParam(CLIENT_ID_PARAM)
  @ApiJson(200, 'KeyView', 'The key.')
  @ApiProblems(404)
  @Scopes('admin:keys:read')
  get(@Param('client_id') clientId: string): Promise<KeyView> {
    return this.keys.get(keyIdParam(clientId));
  }
}
