/** RFC 7517 JWK Set: public keys only, each with kid, alg and use. Cacheable: a key is published before it signs. */
import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../guard/decorators';
import { type PublicJwk, SigningKeysService } from '../tokens/signing-keys.service';

@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'application/jwk-set+json')
  jwks(): { keys: PublicJwk[] } {
    return this.keys.jwkSet();
  }
}
