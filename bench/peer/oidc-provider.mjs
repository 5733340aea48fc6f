/**
 * The peer of `npm run bench`: node-oidc-provider 9 set up as issue 7 measured
 * it, so "3x the peer" compares like with like. Client credentials grant only;
 * ES256 JWT access tokens (resourceIndicators with accessTokenFormat 'jwt' and
 * an ES256 key in jwks); static client_secret_basic clients read from
 * BENCH_PEER_CLIENTS (a JSON array of {client_id, client_secret}); and an
 * adapter that persists nothing, so the peer pays for no store at all while
 * ours commits every token's audit event. It is ESM because oidc-provider is
 * ESM-only, and plain JavaScript (with JSDoc types) because Node 20 cannot run
 * TypeScript as ESM without a loader the project does not have.
 *
 *   PORT=4100 BENCH_PEER_CLIENTS=clients.json node bench/peer/oidc-provider.mjs
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT ?? 4100);
const issuer = process.env.ISSUER ?? `http://127.0.0.1:${port}`;
const clientsFile = process.env.BENCH_PEER_CLIENTS;
if (!clientsFile) {
  process.stderr.write('oidc-provider peer: BENCH_PEER_CLIENTS is required\n');
  process.exit(2);
}

/** @type {{ client_id: string, client_secret: string }[]} */
const clients = JSON.parse(readFileSync(clientsFile, 'utf8'));
const SCOPES = ['exchange:account:read', 'exchange:orders:read'];
const AUDIENCE = 'urn:wagmix:exchange';

/** Persists nothing: finds nothing, forgets every write (the issue's "in-memory store that persists nothing"). */
class NullAdapter {
  /** @param {string} _name */
  constructor(_name) {}
  async upsert() {}
  async find() {
    return undefined;
  }
  async findByUserCode() {
    return undefined;
  }
  async findByUid() {
    return undefined;
  }
  async consume() {}
  async destroy() {}
  async revokeByGrantId() {}
}

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'peer-es256', alg: 'ES256', use: 'sig' };

const provider = new Provider(issuer, {
  adapter: NullAdapter,
  clients: clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    // The only key is ES256; the RS256 default would make the client metadata invalid.
    id_token_signed_response_alg: 'ES256',
    scope: SCOPES.join(' '),
  })),
  jwks: { keys: [jwk] },
  scopes: SCOPES,
  ttl: { ClientCredentials: 900 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Our service's tokens name their audience without a `resource` parameter; so do the peer's.
      defaultResource: () => AUDIENCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: SCOPES.join(' '),
        audience: AUDIENCE,
        accessTokenTTL: 900,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider peer: server_error ${String(err)}\n`));

const server = createServer(provider.callback());
// Like Node's default for our service: keep-alive connections stay open for the load generator.
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`oidc-provider peer listening on 127.0.0.1:${port}, issuer ${issuer}\n`));

const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
