/**
 * Admin API: change, rotate and revoke an API key. Each answers with the key
 * as it now stands; rotate also with the new secret, shown this once.
 */
import { Body, Controller, Header, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RequestContextService } from '../common/http/request-context.service';
import { parseBody } from '../common/http/zod-body';
import { CurrentPrincipal, Scopes } from '../guard/decorators';
import type { Principal } from '../guard/principal';
import { parseOptionalBody, revokeKeySchema, rotateKeySchema, toKeyUpdate, updateKeySchema } from './key-change.dto';
import type { Actor } from './key-events';
import { KeyRevocationService } from './key-revocation.service';
import { KeyRotationService } from './key-rotation.service';
import { KeyUpdatesService } from './key-updates.service';
import type { KeyView } from './key-view';
import { keyIdParam } from './keys.controller';

@Controller('admin/keys')
export class KeyActionsController {
  constructor(
    private readonly updates: KeyUpdatesService,
    private readonly rotation: KeyRotationService,
    private readonly revocation: KeyRevocationService,
    private readonly contexts: RequestContextService,
  ) {}

  @Patch(':client_id')
  @Scopes('admin:keys:write')
  update(@Param('client_id') clientId: string, @Body() body: unknown, @CurrentPrincipal() admin: Principal, @Req() req: FastifyRequest): Promise<KeyView> {
    const id = keyIdParam(clientId);
    return this.updates.update(id, toKeyUpdate(parseBody(updateKeySchema, body)), this.actor(admin, req));
  }

  @Post(':client_id/rotate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Scopes('admin:keys:write')
  async rotate(
    @Param('client_id') clientId: string,
    @Body() body: unknown,
    @CurrentPrincipal() admin: Principal,
    @Req() req: FastifyRequest,
  ): Promise<KeyView & { client_secret: string }> {
    const id = keyIdParam(clientId);
    const dto = parseOptionalBody(rotateKeySchema, body);
    const { key, clientSecret } = await this.rotation.rotate(id, dto.grace_seconds, this.actor(admin, req));
    return { ...key, client_secret: clientSecret };
  }

  @Post(':client_id/revoke')
  @HttpCode(200)
  @Scopes('admin:keys:write')
  revoke(@Param('client_id') clientId: string, @Body() body: unknown, @CurrentPrincipal() admin: Principal, @Req() req: FastifyRequest): Promise<KeyView> {
    const id = keyIdParam(clientId);
    const dto = parseOptionalBody(revokeKeySchema, body);
    return this.revocation.revoke(id, dto.reason ?? null, this.actor(admin, req));
  }

  private actor(admin: Principal, req: FastifyRequest): Actor {
    return { clientId: admin.clientId, context: this.contexts.of(req) };
  }
}
