/**
 * Who may read /metrics, decided from configuration alone: METRICS_ENABLED
 * (off: the route does not exist), METRICS_ALLOW_CIDRS (source addresses, as
 * TRUSTED_PROXIES resolves them) and METRICS_TOKEN (a bearer token compared in
 * constant time). Metrics reveal traffic and failure rates, so production
 * deployments should set at least one of the two.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { BlockList } from 'node:net';
import { Problem } from '../../common/errors/problem';
import { blockListHas, buildBlockList } from '../../common/http/request-context';

export interface MetricsAccessOptions {
  readonly token: string | undefined;
  readonly allowCidrs: readonly string[];
}

export const METRICS_REALM = 'wagmix-metrics';

export class MetricsAccess {
  private readonly allowList: BlockList | null;
  private readonly tokenDigest: Buffer | null;

  constructor(options: MetricsAccessOptions) {
    this.allowList = options.allowCidrs.length > 0 ? buildBlockList(options.allowCidrs) : null;
    // Digests have a fixed length, so the comparison leaks neither content nor length.
    this.tokenDigest = options.token ? digest(options.token) : null;
  }

  /** Throws the problem to answer when the caller may not scrape. */
  check(sourceIp: string, authorization: string | undefined): void {
    if (this.allowList && !blockListHas(this.allowList, sourceIp))
      throw new Problem(403, 'Forbidden', 'Metrics are not served to this address', 'urn:wagmix:problem:metrics-forbidden');
    if (!this.tokenDigest) return;
    const m = authorization ? /^Bearer +(\S+) *$/i.exec(authorization) : null;
    if (!m || !timingSafeEqual(digest(m[1] as string), this.tokenDigest)) {
      throw new Problem(401, 'Unauthorized', 'Metrics need the bearer token configured in METRICS_TOKEN', 'urn:wagmix:problem:metrics-unauthorized').withHeader(
        'WWW-Authenticate',
        `Bearer realm="${METRICS_REALM}"`,
      );
    }
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
