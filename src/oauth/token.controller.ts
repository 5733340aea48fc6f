import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { OAuthError } from '../common/errors/oauth-error';
import { RequestContextService } from '../common/http/request-context.service';
import { Public } from '../guard/decorators';
import { INTROSPECTION_THROTTLER } from '../throttle/key-rate.guard';
import { ClientCredentialsGrant, type TokenResponse } from './client-credentials.grant';
import { type ClientRequest } from './client-auth/client-auth.guard';
import { TokenClientAuthGuard, authMethodOf } from './client-auth/token-client-auth.guard';
import { readForm } from './form';
import { TokenDenials } from './token-denials';
import { ApiJson, ApiOAuthClientEndpoint, ApiOAuthErrors } from '../openapi/decorators';

@Public()
@ApiTags('OAuth')
@Controller('oauth2')
export class TokenController {
  constructor(
    private readonly grant: ClientCredentialsGrant,
    private readonly denials: TokenDenials,
    private readonly contexts: RequestContextService,
  ) {}

  @Post('token')
  @ApiOperation({ summary: 'Client credentials grant (RFC 6749 §4.4): an access token for an API key' })
  @ApiOAuthClientEndpoint('token')
  @ApiJson(200, 'TokenResponse', 'The access token (RFC 6749 §5.1). No refresh token: ask again when it expires.', { noStore: true })
  @ApiOAuthErrors(400, 401, 429, 503)
  @HttpCode(200)
  @UseGuards(TokenClientAuthGuard)
  @SkipThrottle({ [INTROSPECTION_THROTTLER]: true })
  async token(@Req() req: ClientRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenResponse> {
    void reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' });
    const client = req.client;
    if (!client) throw new Error('TokenClientAuthGuard did not run');
    const ctx = this.contexts.of(req);
    const method = authMethodOf(req);
    try {
      return await this.grant.issue(client, readForm(req), ctx, method);
    } catch (err) {
      if (err instanceof OAuthError) throw await this.denials.record(err, ctx, client.clientId, method);
      throw err;
    }
  }
}
