/** Security headers on every response, no x-powered-by, CORS off unless configured. */
import { request } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

describe('security headers and CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(['/.well-known/jwks.json', '/oauth2/token', '/admin/keys', '/nope'])('sets the headers on %s, whatever the status', async (path) => {
    const res = await request(`${t.baseUrl}${path}`, { method: path === '/oauth2/token' ? 'POST' : 'GET' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(res.headers.get('origin-agent-cluster')).toBe('?1');
    expect(res.headers.get('x-dns-prefetch-control')).toBe('off');
    expect(res.headers.get('x-download-options')).toBe('noopen');
    expect(res.headers.get('x-permitted-cross-domain-policies')).toBe('none');
    expect(res.headers.get('x-xss-protection')).toBe('0');
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('strict-transport-security')).toBeNull(); // plain-http issuer
  });

  it('sends HSTS when the issuer is https', async () => {
    const c = await startTestApp({ ISSUER: 'https://auth.wagmix.example' });
    try {
      const res = await request(`${c.baseUrl}/.well-known/jwks.json`);
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    } finally {
      await c.close();
    }
  });

  it('answers no CORS headers by default, even to a preflight', async () => {
    const res = await request(`${t.baseUrl}/oauth2/token`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins', async () => {
    const c = await startTestApp({ CORS_ORIGINS: 'https://console.wagmix.example' });
    try {
      const ok = await request(`${c.baseUrl}/.well-known/jwks.json`, { headers: { origin: 'https://console.wagmix.example' } });
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://console.wagmix.example');
      const other = await request(`${c.baseUrl}/.well-known/jwks.json`, { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await c.close();
    }
  });
});
