/** Signing keys' public metadata and state, and on-demand staged rotation. */
import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RequestContextService } from '../common/http/request-context.service';
import { parseBody } from '../common/http/zod-body';
import { CurrentPrincipal, Scopes } from '../guard/decorators';
import type { Principal } from '../guard/principal';
import { SigningKeyRotation, type SigningKeyView } from './signing-key-rotation';
import { SigningKeysService } from './signing-keys.service';

const rotateSchema = z.object({ lead_seconds: z.number().int('must be a whole number').min(0).max(604800).optional() }).strict();

@Controller('admin/signing-keys')
export class SigningKeysController {
  constructor(
    private readonly rotation: SigningKeyRotation,
    private readonly keys: SigningKeysService,
    private readonly contexts: RequestContextService,
  ) {}

  @Get()
  @Scopes('admin:keys:read')
  async list(): Promise<{ items: SigningKeyView[]; next_cursor: null }> {
    return { items: await this.rotation.list(), next_cursor: null };
  }

  /** Stages a new key: published at once, signing after `lead_seconds` (default SIGNING_KEY_LEAD_SECONDS). */
  @Post('rotate')
  @HttpCode(202)
  @Scopes('admin:signing-keys:write')
  async rotate(@Body() body: unknown, @CurrentPrincipal() admin: Principal, @Req() req: FastifyRequest): Promise<SigningKeyView> {
    const dto = parseBody(rotateSchema, body ?? {});
    const staged = await this.rotation.stage({ clientId: admin.clientId, context: this.contexts.of(req) }, dto.lead_seconds);
    await this.keys.reload();
    return staged;
  }
}
