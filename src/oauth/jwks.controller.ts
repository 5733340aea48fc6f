/** RFC 7517 JWK Set: public keys only, each with kid, alg and use. Cacheable: a key is published before it signs. */
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../guard/decorators';
import { type PublicJwk, SigningKeysService } from '../tokens/signing-keys.service';
import { ApiJson } from '../openapi/decorators';

@Public()
@ApiTags('Discovery')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('jwks.json')
  @ApiOperation({ summary: 'Public signing keys (RFC 7517 JWK Set), to verify access tokens offline' })
  @ApiJson(200, 'JwkSet', 'Every published key, the next one included before it signs; cacheable for 5 minutes.', { contentType: 'application/jwk-set+json' })
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'application/jwk-set+json')
  jwks(): { keys: PublicJwk[] } {
    return this.keys.jwkSet();
  }
}
