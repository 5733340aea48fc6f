/**
 * Admin API: change, rotate and revoke an API key. Each answers with the key
 * as it now stands; rotate also with the new secret, shown this once.
 */
import { Body, Controller, Header, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
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
import { CLIENT_ID_PARAM, keyIdParam } from './keys.controller';
import { ApiJson, ApiProblems } from '../openapi/decorators';
import { ApiZodBody } from '../openapi/zod-schema';

@ApiTags('Admin: API keys')
@ApiParam(CLIENT_ID_PARAM)
@Controller('admin/keys')
export class KeyActionsController {
  constructor(
    private readonly updates: KeyUpdatesService,
    private readonly rotation: KeyRotationService,
    private readonly revocation: KeyRevocationService,
    private readonly contexts: RequestContextService,
  ) {}

  @Patch(':client_id')
  @ApiOperation({ summary: 'Change a key\'s label, scopes, allow-list, token lifetime or expiry' })
  @ApiZodBody(updateKeySchema)
  @ApiJson(200, 'KeyView', 'The key as it now stands.')
  @ApiProblems(400, 404, [409, 'The key is revoked or expired.'])
  @Scopes('admin:keys:write')
  update(@Param('client_id') clientId: string, @Body() body: unknown, @CurrentPrincipal() admin: Principal, @Req() req: FastifyRequest): Promise<KeyView> {
    const id = keyIdParam(clientId);
    return this.updates.update(id, toKeyUpdate(parseBody(updateKeySchema, body)), this.actor(admin, req));
  }

  @Post(':client_id/rotate')
  @ApiOperation({ summary: 'Rotate the secret: the new one is in this answer only; the old one works until the grace period ends' })
  @ApiZodBody(rotateKeySchema, { required: false, description: 'Optional: without a body, grace_seconds is 86400. 0 ends the old secret now and revokes the tokens it minted.' })
  @ApiJson(200, 'KeyWithSecret', 'The key, with the new client_secret shown this once.', { noStore: true })
  @ApiProblems(400, 404, [409, 'The key is revoked or expired.'])
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
  @ApiOperation({ summary: 'Revoke a key: unusable at once, and every outstanding token revoked' })
  @ApiZodBody(revokeKeySchema, { required: false, description: 'Optional: the reason, recorded in the audit log.' })
  @ApiJson(200, 'KeyView', 'The revoked key.')
  @ApiProblems(400, 404, [409, 'The key was already revoked.'])
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
