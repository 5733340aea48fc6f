/**
 * client_secret_basic through passport-http's BasicStrategy. Its own header
 * parsing splits on every ':' and does not form-url-decode (RFC 6749 §2.3.1),
 * so `authenticate` is replaced by a correct parser; verification goes through
 * the same ClientAuthentication (lockout, then authenticator) as client_secret_post.
 */
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { BasicStrategy } from 'passport-http';
import { InvalidClient } from '../../common/errors/oauth-error';
import { RequestContextService } from '../../common/http/request-context.service';
import { parseBasicAuthorization } from './basic-credentials';
import { ClientAuthentication } from './client-authentication';
import { type AuthenticatedClient, REALM } from './client-authenticator';

export const CLIENT_BASIC = 'client-basic';

/**
 * Passport keeps strategies in one registry per process: with several app
 * instances in a process (tests), the last one registered would authenticate
 * for all. The guard therefore hands the request its own app's authentication,
 * and the strategy uses that one.
 */
export const CLIENT_AUTHENTICATION = Symbol('wagmix.clientAuthentication');
type WithAuthentication = FastifyRequest & { [CLIENT_AUTHENTICATION]?: ClientAuthentication };

/** Passport adds these to the strategy for each request; its type declarations leave them out. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface ClientBasicStrategy {
  success(user: unknown): void;
  error(err: Error): void;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
@Injectable()
export class ClientBasicStrategy extends PassportStrategy(BasicStrategy, CLIENT_BASIC) {
  constructor(
    private readonly authenticator: ClientAuthentication,
    private readonly contexts: RequestContextService,
  ) {
    super({ passReqToCallback: true, realm: REALM });
  }

  // Typed for Express by @types/passport-http; under Nest on Fastify it is handed the Fastify request.
  override authenticate(expressTyped: Parameters<BasicStrategy['authenticate']>[0]): void {
    const req = expressTyped as unknown as FastifyRequest;
    const parsed = parseBasicAuthorization(req.headers.authorization);
    if (parsed.kind !== 'ok') {
      this.error(new InvalidClient('unknown_client', null, REALM));
      return;
    }
    this.validate(req, parsed.clientId, parsed.secret).then(
      (client) => this.success(client),
      (err: unknown) => this.error(err as Error),
    );
  }

  validate(req: FastifyRequest, clientId: string, secret: string): Promise<AuthenticatedClient> {
    const authentication = (req as WithAuthentication)[CLIENT_AUTHENTICATION] ?? this.authenticator;
    return authentication.authenticate(clientId, secret, this.contexts.of(req));
  }
}
