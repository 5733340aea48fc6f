/**
 * In-memory revocation state, so the guard answers "is this token revoked?"
 * with a few map look-ups and no database read. Three kinds of entry: one
 * token (jti), every token of a key, every token minted with one secret; the
 * last two revoke tokens issued at or before the revocation instant.
 */
export type RevocationKind = 'token' | 'key' | 'secret';

export interface RevocationEntry {
  readonly kind: RevocationKind;
  readonly subject: string;
  /** Epoch milliseconds. */
  readonly revokedAt: number;
  /** Epoch milliseconds after which the entry can match no live token. */
  readonly expiresAt: number;
}

export interface TokenIdentity {
  readonly jti: string;
  readonly clientId: string;
  readonly secretId: string | null;
  /** `iat`, epoch seconds. */
  readonly issuedAt: number;
}

export class RevocationState {
  private tokens = new Map<string, number>();
  private keys = new Map<string, RevocationEntry>();
  private secrets = new Map<string, RevocationEntry>();

  apply(entry: RevocationEntry): void {
    switch (entry.kind) {
      case 'token':
        this.tokens.set(entry.subject, entry.expiresAt);
        break;
      case 'key':
        this.keys.set(entry.subject, later(this.keys.get(entry.subject), entry));
        break;
      case 'secret':
        this.secrets.set(entry.subject, later(this.secrets.get(entry.subject), entry));
        break;
    }
  }

  replaceAll(entries: Iterable<RevocationEntry>): void {
    this.tokens = new Map();
    this.keys = new Map();
    this.secrets = new Map();
    for (const e of entries) this.apply(e);
  }

  isRevoked(t: TokenIdentity): boolean {
    if (this.tokens.has(t.jti)) return true;
    const issuedMs = t.issuedAt * 1000;
    const key = this.keys.get(t.clientId);
    if (key && issuedMs <= key.revokedAt) return true;
    const secret = t.secretId ? this.secrets.get(t.secretId) : undefined;
    return secret !== undefined && issuedMs <= secret.revokedAt;
  }

  /** Forgets entries that can no longer match a live token. */
  prune(nowMs: number): void {
    for (const [jti, exp] of this.tokens) if (exp <= nowMs) this.tokens.delete(jti);
    for (const [id, e] of this.keys) if (e.expiresAt <= nowMs) this.keys.delete(id);
    for (const [id, e] of this.secrets) if (e.expiresAt <= nowMs) this.secrets.delete(id);
  }

  get size(): number {
    return this.tokens.size + this.keys.size + this.secrets.size;
  }
}

function later(current: RevocationEntry | undefined, next: RevocationEntry): RevocationEntry {
  if (!current) return next;
  return {
    ...next,
    revokedAt: Math.max(current.revokedAt, next.revokedAt),
    expiresAt: Math.max(current.expiresAt, next.expiresAt),
  };
}
