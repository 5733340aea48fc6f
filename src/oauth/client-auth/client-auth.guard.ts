/**
 * Client authentication for the OAuth endpoints: client_secret_basic (via
 * passport, see ClientBasicStrategy) or client_secret_post, never both. Puts
 * the AuthenticatedClient on `request.client`.
 */
import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { InvalidClient, InvalidRequest } from '../../common/errors/oauth-error';
import { RequestContextService } from '../../common/http/request-context.service';
import { readForm } from '../form';
import { ClientAuthentication } from './client-authentication';
import { type AuthenticatedClient, REALM } from './client-authenticator';
import { CLIENT_AUTHENTICATION, CLIENT_BASIC } from './client-basic.strategy';

export type ClientRequest = FastifyRequest & { client?: AuthenticatedClient };

@Injectable()
export class ClientAuthGuard extends AuthGuard(CLIENT_BASIC) {
  constructor(
    private readonly authenticator: ClientAuthentication,
    private readonly contexts: RequestContextService,
  ) {
    super({ property: 'client', session: false });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ClientRequest>();
    const form = readForm(req);
    const usesBasic = req.headers.authorization !== undefined;
    const usesPost = form.client_secret !== undefined;
    if (usesBasic && usesPost) throw new InvalidRequest('Use exactly one client authentication method (HTTP Basic or client_secret in the body)');
    if (usesBasic) {
      (req as ClientRequest & { [CLIENT_AUTHENTICATION]?: ClientAuthentication })[CLIENT_AUTHENTICATION] = this.authenticator;
      await super.canActivate(context);
      // RFC 6749 §2.3.1 allows client_id in the body beside Basic only if it names the same client.
      if (form.client_id !== undefined && form.client_id !== req.client?.clientId)
        throw new InvalidRequest('client_id in the body does not match the authenticated client');
    } else if (usesPost) {
      if (!form.client_id) throw new InvalidRequest('client_secret_post needs client_id in the body');
      req.client = await this.authenticator.authenticate(form.client_id, form.client_secret as string, this.contexts.of(req));
    } else {
      throw new InvalidClient('unknown_client', form.client_id ?? null, REALM);
    }
    return true;
  }

  override handleRequest<T = AuthenticatedClient>(err: unknown, client: T | false): T {
    if (err) throw err;
    if (!client) throw new InvalidClient('unknown_client', null, REALM);
    return client;
  }
}
