/**
 * The scope catalogue: every scope the service can grant and the audience
 * (`aud`) a token carrying it is meant for. Defaults follow the contract; the
 * audience identifiers and the whole catalogue are configuration.
 */
export interface ScopeCatalog {
  /** scope -> audience identifier */
  readonly audienceOf: ReadonlyMap<string, string>;
  readonly audiences: ReadonlySet<string>;
  /** The admin audience: its scopes are never granted to a key with an account_id. */
  readonly adminAudience: string;
}

export const DEFAULT_AUDIENCES = {
  exchange: 'urn:wagmix:exchange',
  coin: 'urn:wagmix:coin',
  admin: 'urn:wagmix:admin',
} as const;

const EXCHANGE_SCOPES = [
  'exchange:account:read',
  'exchange:orders:read',
  'exchange:orders:write',
  'exchange:orders:cancel',
  'exchange:ledger:read',
];
const COIN_SCOPES = ['coin:wallets:read', 'coin:deposits:write', 'coin:transfers:write', 'coin:withdrawals:write'];
export const ADMIN_SCOPES = [
  'admin:keys:read',
  'admin:keys:write',
  'admin:audit:read',
  'admin:signing-keys:write',
  'admin:tokens:introspect',
] as const;
export type AdminScope = (typeof ADMIN_SCOPES)[number];

export function buildScopeCatalog(
  audiences: { exchange: string; coin: string; admin: string },
  extra: Readonly<Record<string, string>> = {},
): ScopeCatalog {
  const audienceOf = new Map<string, string>();
  for (const s of EXCHANGE_SCOPES) audienceOf.set(s, audiences.exchange);
  for (const s of COIN_SCOPES) audienceOf.set(s, audiences.coin);
  for (const s of ADMIN_SCOPES) audienceOf.set(s, audiences.admin);
  for (const [scope, aud] of Object.entries(extra)) audienceOf.set(scope, aud);
  return { audienceOf, audiences: new Set(audienceOf.values()), adminAudience: audiences.admin };
}

export function isAdminScope(catalog: ScopeCatalog, scope: string): boolean {
  return catalog.audienceOf.get(scope) === catalog.adminAudience;
}
