import { blockListHas, buildBlockList, normalizeIp, resolveSourceIp } from './request-context';

describe('source address', () => {
  const trusted = buildBlockList(['10.0.0.0/8', '::1']);

  it('treats IPv4-mapped IPv6 as IPv4', () => {
    expect(normalizeIp('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(blockListHas(buildBlockList(['192.0.2.0/24']), '::ffff:192.0.2.7')).toBe(true);
  });

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    expect(resolveSourceIp('203.0.113.9', '198.51.100.1', trusted)).toBe('203.0.113.9');
  });

  it('takes the entry added by the nearest trusted proxy', () => {
    expect(resolveSourceIp('10.1.2.3', '198.51.100.1, 203.0.113.5', trusted)).toBe('203.0.113.5');
  });

  it('walks through a chain of trusted proxies, stopping at the first untrusted hop', () => {
    expect(resolveSourceIp('::ffff:10.1.2.3', '198.51.100.1, 203.0.113.5, 10.9.9.9', trusted)).toBe('203.0.113.5');
  });

  it('keeps the proxy address when the forwarded entry is not an IP', () => {
    expect(resolveSourceIp('10.1.2.3', 'not-an-ip', trusted)).toBe('10.1.2.3');
  });
});
