/**
 * RFC 8414 authorization server metadata, complete for what is implemented,
 * at both well-known paths (some tooling only looks at openid-configuration).
 */
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { Public } from '../guard/decorators';
import { SIGNING_ALG } from '../tokens/signing-keys.service';
import { ApiJson } from '../openapi/decorators';

@Public()
@ApiTags('Discovery')
@Controller('.well-known')
export class MetadataController {
  private readonly metadata: Record<string, unknown>;

  constructor(config: AppConfig) {
    const base = config.issuer;
    this.metadata = {
      issuer: base,
      token_endpoint: `${base}/oauth2/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      introspection_endpoint: `${base}/oauth2/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint: `${base}/oauth2/revoke`,
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: [...config.scopes.audienceOf.keys()],
      response_types_supported: [],
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      service_documentation: `${base}/docs`,
      // RFC 9068 / RFC 8707: what tokens look like and which resources can be asked for.
      access_token_signing_alg_values_supported: [SIGNING_ALG],
      resource_indicators_supported: true,
      resources_supported: [...config.scopes.audiences],
    };
  }

  @Get('oauth-authorization-server')
  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  @ApiJson(200, 'AuthorizationServerMetadata', 'The metadata; cacheable for 5 minutes.')
  @Header('Cache-Control', 'public, max-age=300')
  authorizationServer(): Record<string, unknown> {
    return this.metadata;
  }

  @Get('openid-configuration')
  @ApiOperation({ summary: 'The same metadata, for tooling that only looks at the OpenID Connect path' })
  @ApiJson(200, 'AuthorizationServerMetadata', 'The metadata; cacheable for 5 minutes.')
  @Header('Cache-Control', 'public, max-age=300')
  openidConfiguration(): Record<string, unknown> {
    return this.metadata;
  }
}
