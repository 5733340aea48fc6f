import { Problem } from '../../common/errors/problem';
import { MetricsAccess } from './metrics-access';

function refusal(access: MetricsAccess, ip: string, authorization?: string): { status: number; challenge?: string } | null {
  try {
    access.check(ip, authorization);
    return null;
  } catch (err) {
    if (!(err instanceof Problem)) throw err;
    return { status: err.status, challenge: err.headers['WWW-Authenticate'] };
  }
}

describe('MetricsAccess', () => {
  const TOKEN = 'scrape-token-0123456789';

  it('lets anyone scrape when neither a token nor an allow-list is configured', () => {
    expect(refusal(new MetricsAccess({ token: undefined, allowCidrs: [] }), '203.0.113.9')).toBeNull();
  });

  it('needs the configured bearer token, and challenges without revealing it', () => {
    const access = new MetricsAccess({ token: TOKEN, allowCidrs: [] });
    expect(refusal(access, '127.0.0.1')).toEqual({ status: 401, challenge: 'Bearer realm="wagmix-metrics"' });
    expect(refusal(access, '127.0.0.1', `Bearer ${TOKEN}x`)).toEqual({ status: 401, challenge: 'Bearer realm="wagmix-metrics"' });
    expect(refusal(access, '127.0.0.1', `Basic ${TOKEN}`)).toEqual({ status: 401, challenge: 'Bearer realm="wagmix-metrics"' });
    expect(refusal(access, '127.0.0.1', `Bearer ${TOKEN}`)).toBeNull();
    expect(refusal(access, '127.0.0.1', `bearer ${TOKEN}`)).toBeNull();
  });

  it('refuses addresses outside METRICS_ALLOW_CIDRS (IPv4-mapped IPv6 counts as IPv4), before looking at the token', () => {
    const access = new MetricsAccess({ token: TOKEN, allowCidrs: ['10.0.0.0/8', '::1'] });
    expect(refusal(access, '192.0.2.1', `Bearer ${TOKEN}`)).toEqual({ status: 403, challenge: undefined });
    expect(refusal(access, '::ffff:10.1.2.3', `Bearer ${TOKEN}`)).toBeNull();
    expect(refusal(access, '::1')).toEqual({ status: 401, challenge: 'Bearer realm="wagmix-metrics"' });
  });
});
