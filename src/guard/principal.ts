/** The caller behind a verified access token. */
export interface Principal {
  readonly clientId: string;
  readonly accountId: string | null;
  readonly scopes: ReadonlySet<string>;
  readonly jti: string;
  readonly audience: readonly string[];
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Id of the API-key secret that minted the token. */
  readonly secretId: string | null;
  /** The key's IP allow-list carried by the token (`wgx_cidrs`); empty: any address. */
  readonly allowedCidrs: readonly string[];
  /** The token's payload as it was verified: every claim, for answers that repeat them (introspection). */
  readonly claims: Readonly<Record<string, unknown>>;
}
