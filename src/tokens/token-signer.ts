/**
 * Mints RFC 9068 access tokens with the active signing key through @nestjs/jwt
 * (jsonwebtoken on node:crypto). The header carries `typ: at+jwt` so a token
 * of another kind can never be mistaken for an access token.
 */
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { SIGNING_ALG, SigningKeysService } from './signing-keys.service';

export interface AccessTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly client_id: string;
  readonly aud: string | string[];
  readonly scope: string;
  readonly jti: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly account_id?: string;
  /** Private claim: the id of the secret that minted the token, so rotating it away can revoke exactly its tokens. */
  readonly wgx_sid?: string;
}

@Injectable()
export class TokenSigner {
  constructor(
    private readonly jwt: JwtService,
    private readonly keys: SigningKeysService,
  ) {}

  sign(claims: AccessTokenClaims): string {
    const key = this.keys.activeKey();
    return this.jwt.sign(claims as unknown as Record<string, unknown>, {
      algorithm: SIGNING_ALG,
      privateKey: key.privateKey as unknown as string,
      keyid: key.kid,
      header: { alg: SIGNING_ALG, typ: 'at+jwt', kid: key.kid },
    });
  }
}
