/** RFC 7662 introspection and RFC 7009 revocation: the caller authenticates as a client (basic or post). */
import { Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { InvalidRequest } from '../common/errors/oauth-error';
import { RequestContextService } from '../common/http/request-context.service';
import { Public } from '../guard/decorators';
import { KeyRateGuard, TOKEN_THROTTLER } from '../throttle/key-rate.guard';
import { ClientAuthGuard, type ClientRequest } from './client-auth/client-auth.guard';
import type { AuthenticatedClient } from './client-auth/client-authenticator';
import { readForm } from './form';
import { type IntrospectionResponse, IntrospectionService } from './introspection.service';
import { RevocationEndpointService } from './revocation-endpoint.service';
import { ApiJson, ApiOAuthClientEndpoint, ApiOAuthErrors, NO_STORE } from '../openapi/decorators';

@Public()
@ApiTags('OAuth')
@Controller('oauth2')
@UseGuards(ClientAuthGuard, KeyRateGuard)
@SkipThrottle({ [TOKEN_THROTTLER]: true })
export class TokenManagementController {
  constructor(
    private readonly introspection: IntrospectionService,
    private readonly revocation: RevocationEndpointService,
    private readonly contexts: RequestContextService,
  ) {}

  @Post('introspect')
  @ApiOperation({ summary: 'Token introspection (RFC 7662): about the caller\'s own tokens, or any with admin:tokens:introspect' })
  @ApiOAuthClientEndpoint('token_management')
  @ApiJson(200, 'IntrospectionResponse', 'The token\'s state and claims, or `{"active":false}`.', { noStore: true })
  @ApiOAuthErrors(400, 401, 429, 503)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  introspect(@Req() req: ClientRequest): Promise<IntrospectionResponse> {
    return this.introspection.introspect(callerOf(req), tokenParam(req), this.contexts.of(req));
  }

  @Post('revoke')
  @ApiOperation({ summary: 'Token revocation (RFC 7009): a client revokes its own tokens' })
  @ApiOAuthClientEndpoint('token_management')
  @ApiResponse({ status: 200, description: 'Revoked, or nothing to revoke (an unknown or foreign token is not an error, RFC 7009 §2.2). Empty body.', headers: NO_STORE })
  @ApiOAuthErrors(400, 401, 429, 503)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async revoke(@Req() req: ClientRequest): Promise<void> {
    await this.revocation.revoke(callerOf(req), tokenParam(req), this.contexts.of(req));
  }
}

function callerOf(req: ClientRequest): AuthenticatedClient {
  if (!req.client) throw new Error('ClientAuthGuard did not run');
  return req.client;
}

function tokenParam(req: ClientRequest): string {
  const token = readForm(req).token;
  if (token === undefined || token === '') throw new InvalidRequest('The token parameter is required');
  return token;
}
