/**
 * RFC 6749 §4.4 client credentials: after the client authenticated, check the
 * request, mint the RFC 9068 token and commit its `token.issued` event before
 * the response can leave. No refresh token (§4.4.3): a client simply asks again.
 */
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { randomId128 } from '../common/crypto/random-id';
import { InvalidClient, InvalidRequest, UnsupportedGrantType } from '../common/errors/oauth-error';
import type { RequestContext } from '../common/http/request-context';
import { AppConfig } from '../config/app-config';
import { isWriteScope } from '../keys/key-policy';
import { MetricsService } from '../observability/metrics/metrics.service';
import { type AccessTokenClaims, TokenSigner } from '../tokens/token-signer';
import { type AuthenticatedClient, REALM } from './client-auth/client-authenticator';
import type { Form } from './form';
import { decideGrant } from './scope-request';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

@Injectable()
export class ClientCredentialsGrant {
  constructor(
    private readonly signer: TokenSigner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async issue(client: AuthenticatedClient, form: Form, ctx: RequestContext, authMethod: string): Promise<TokenResponse> {
    const grantType = form.grant_type;
    if (grantType === undefined || grantType === '') throw new InvalidRequest('grant_type is required');
    if (grantType !== 'client_credentials')
      throw new UnsupportedGrantType(`grant_type "${grantType.slice(0, 64)}" is not supported; use client_credentials`);
    const { scopes, aud } = decideGrant(this.config.scopes, client.scopes, form.scope, form.resource);

    const iat = this.clock.nowSeconds();
    // A token that can write (any scope ending in :write) lives shorter: a stolen one is worth less.
    const writeCap = scopes.some(isWriteScope) ? this.config.tokenTtlWriteMaxSeconds : Infinity;
    const ttl = Math.min(client.tokenTtlSeconds, this.config.tokenTtlMaxSeconds, writeCap);
    const exp = iat + ttl;
    const jti = randomId128();
    const scope = scopes.join(' ');
    const claims: AccessTokenClaims & { readonly wgx_cidrs?: readonly string[] } = {
      iss: this.config.issuer,
      sub: client.clientId,
      client_id: client.clientId,
      aud,
      scope,
      jti,
      iat,
      nbf: iat,
      exp,
      ...(client.accountId ? { account_id: client.accountId } : {}),
      wgx_sid: client.secretId,
      // The key's IP allow-list, so resource servers can refuse the token from elsewhere too.
      ...(client.allowedCidrs.length > 0 ? { wgx_cidrs: [...client.allowedCidrs] } : {}),
    };
    const accessToken = this.signer.sign(claims);
    await this.audit.record({
      type: 'token.issued',
      outcome: 'success',
      actor: { clientId: client.clientId, ip: ctx.ip, userAgent: ctx.userAgent },
      subject: { clientId: client.clientId, accountId: client.accountId, jti },
      requestId: ctx.requestId,
      data: { scope, aud, iat, exp, secret_id: client.secretId, grant_type: grantType, auth_method: authMethod },
    }, {
      // Checked again where token.issued commits: a revoke or rotation that committed after
      // authentication read the key refuses the token, as authentication would have.
      secretId: client.secretId,
      refusal: (reason) => new InvalidClient(reason, client.clientId, REALM),
    });
    this.metrics.tokenIssued(authMethod);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, scope };
  }
}
