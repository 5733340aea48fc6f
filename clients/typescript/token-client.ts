/**
 * A dependency-free client-credentials helper for Wagmix API clients (Node 18+,
 * or any runtime with fetch). It gets a token, keeps it, and fetches a new one
 * shortly before expiry, with one request in flight however many callers wait.
 * A 503 or 429 (and a network error) is retried with back-off, honouring
 * Retry-After; an OAuth error such as invalid_client is not retried.
 *
 *   const tokens = new TokenClient({ tokenUrl, clientId, clientSecret, scope: 'exchange:account:read' });
 *   await fetch(url, { headers: { authorization: `Bearer ${await tokens.getToken()}` } });
 */
export interface TokenClientOptions {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Space-separated scopes; omit for every scope of the key. */
  readonly scope?: string;
  /** RFC 8707 resource (audience), e.g. urn:wagmix:exchange. */
  readonly resource?: string;
  /** Refresh this many seconds before expiry. Default: 10 % of the lifetime, at least 5 s, at most 60 s. */
  readonly refreshBeforeSeconds?: number;
  /** Retries after a 503, 429 or network error. Default 4. */
  readonly maxRetries?: number;
  /** First back-off delay in ms, doubled each retry. Default 200. */
  readonly backoffMs?: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export class TokenRequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly errorDescription: string | undefined,
  ) {
    super(`token request failed: ${status} ${error}${errorDescription ? `: ${errorDescription}` : ''}`);
  }
}

interface Held {
  readonly token: string;
  readonly refreshAt: number;
  readonly expiresAt: number;
}

const MAX_RETRY_AFTER_MS = 30_000;

export class TokenClient {
  private held: Held | null = null;
  private inflight: Promise<Held> | null = null;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: TokenClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.now = options.now ?? Date.now;
  }

  /** A valid access token: the held one, or a fresh one. */
  async getToken(): Promise<string> {
    const held = this.held;
    const now = this.now();
    if (held && now < held.refreshAt) return held.token;
    // Still valid but due: refresh, and fall back to the held token if the refresh fails before expiry.
    const refresh = (this.inflight ??= this.requestWithRetries().finally(() => {
      this.inflight = null;
    }));
    try {
      this.held = await refresh;
      return this.held.token;
    } catch (err) {
      if (held && this.now() < held.expiresAt) return held.token;
      throw err;
    }
  }

  /** Forget the held token (for example after a resource server answered 401). */
  invalidate(): void {
    this.held = null;
  }

  private async requestWithRetries(): Promise<Held> {
    const maxRetries = this.options.maxRetries ?? 4;
    let delay = this.options.backoffMs ?? 200;
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs: number | undefined;
      try {
        return await this.requestOnce();
      } catch (err) {
        const retryable = !(err instanceof TokenRequestError) || err.status === 503 || err.status === 429;
        if (!retryable || attempt >= maxRetries) throw err;
        if (err instanceof RetryableStatus) retryAfterMs = err.retryAfterMs;
      }
      await sleep(Math.min(retryAfterMs ?? delay, MAX_RETRY_AFTER_MS));
      delay *= 2;
    }
  }

  private async requestOnce(): Promise<Held> {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.options.scope) body.set('scope', this.options.scope);
    if (this.options.resource) body.set('resource', this.options.resource);
    const enc = (s: string) => encodeURIComponent(s);
    const started = this.now();
    const res = await this.fetch(this.options.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${btoa(`${enc(this.options.clientId)}:${enc(this.options.clientSecret)}`)}`,
      },
      body: body.toString(),
    });
    const json = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    if (!res.ok || typeof json.access_token !== 'string') {
      const error = json.error ?? 'invalid_response';
      if (res.status === 503 || res.status === 429) throw new RetryableStatus(res.status, error, json.error_description, retryAfter(res.headers.get('retry-after')));
      throw new TokenRequestError(res.status, error, json.error_description);
    }
    const lifetimeMs = (typeof json.expires_in === 'number' ? json.expires_in : 60) * 1000;
    const before = this.options.refreshBeforeSeconds !== undefined ? this.options.refreshBeforeSeconds * 1000 : Math.min(60_000, Math.max(5000, lifetimeMs / 10));
    return { token: json.access_token, expiresAt: started + lifetimeMs, refreshAt: started + Math.max(0, lifetimeMs - before) };
  }
}

class RetryableStatus extends TokenRequestError {
  constructor(
    status: number,
    error: string,
    description: string | undefined,
    readonly retryAfterMs: number | undefined,
  ) {
    super(status, error, description);
  }
}

function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
