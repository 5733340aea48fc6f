/** Signing keys' public metadata and state, and on-demand staged rotation. */
import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RequestContextService } from '../common/http/request-context.service';
import { parseBody } from '../common/http/zod-body';
import { CurrentPrincipal, Scopes } from '../guard/decorators';
import type { Principal } from '../guard/principal';
import { SigningKeyRotation, type SigningKeyView } from './signing-key-rotation';
import { SigningKeysService } from './signing-keys.service';
import { ApiJson, ApiProblems } from '../openapi/decorators';
import { ApiZodBody } from '../openapi/zod-schema';

const rotateSchema = z.object({ lead_seconds: z.number().int('must be a whole number').min(0).max(604800).optional() }).strict();

@ApiTags('Admin: signing keys')
@Controller('admin/signing-keys')
export class SigningKeysController {
  constructor(
    private readonly rotation: SigningKeyRotation,
    private readonly keys: SigningKeysService,
    private readonly contexts: RequestContextService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Signing keys: public metadata and state (next, active, retired)' })
  @ApiJson(200, 'SigningKeyPage', 'Every signing key, on one page.')
  @Scopes('admin:keys:read')
  async list(): Promise<{ items: SigningKeyView[]; next_cursor: null }> {
    return { items: await this.rotation.list(), next_cursor: null };
  }

  /** Stages a new key: published at once, signing after `lead_seconds` (default SIGNING_KEY_LEAD_SECONDS). */
  @Post('rotate')
  @ApiOperation({ summary: 'Stage a new signing key: published at once, signing after lead_seconds' })
  @ApiZodBody(rotateSchema, { required: false, description: 'Optional: lead_seconds defaults to SIGNING_KEY_LEAD_SECONDS.' })
  @ApiJson(202, 'SigningKeyView', 'The staged key.')
  @ApiProblems(400, [409, 'A rotation is already staged.'])
  @HttpCode(202)
  @Scopes('admin:signing-keys:write')
  async rotate(@Body() body: unknown, @CurrentPrincipal() admin: Principal, @Req() req: FastifyRequest): Promise<SigningKeyView> {
    const dto = parseBody(rotateSchema, body ?? {});
    const staged = await this.rotation.stage({ clientId: admin.clientId, context: this.contexts.of(req) }, dto.lead_seconds);
    await this.keys.reload();
    return staged;
  }
}
