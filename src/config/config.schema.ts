/**
 * The environment schema: the only description of what the service reads from
 * process.env. Parsed once at boot; a bad value stops start-up with one line
 * naming the variable (see `loadConfig`).
 */
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number, got "${v}"` });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}, got ${n}` });
        return z.NEVER;
      }
      return n;
    });

const longSecret = z.string().min(32, { message: 'must be at least 32 characters' }).optional();

const postgresUrl = z
  .string()
  .optional()
  .refine((v) => v === undefined || v === '' || /^postgres(ql)?:\/\/\S+$/.test(v), {
    message: 'must be a postgres:// or postgresql:// URL',
  })
  .transform((v) => (v === '' ? undefined : v));

const redisUrl = z
  .string()
  .optional()
  .refine((v) => v === undefined || v === '' || /^rediss?:\/\/\S+$/.test(v), {
    message: 'must be a redis:// or rediss:// URL',
  })
  .transform((v) => (v === '' ? undefined : v));

/** Comma-separated IPs or CIDRs; validated here so a typo cannot silently trust nobody (or everybody). */
const cidrList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const items = (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const item of items) {
      if (!isCidrOrIp(item)) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is not an IP address or CIDR` });
        return z.NEVER;
      }
    }
    return items;
  });

export function isCidrOrIp(value: string): boolean {
  const [addr, prefix, ...rest] = value.split('/');
  if (addr === undefined || rest.length > 0) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  if (bits > (family === 4 ? 32 : 128)) return false;
  try {
    new BlockList().addSubnet(addr, bits, family === 4 ? 'ipv4' : 'ipv6');
    return true;
  } catch {
    return false;
  }
}

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
  PORT: int(3000, 0, 65535),
  HOST: z.string().min(1).optional().default('0.0.0.0'),
  DATABASE_URL: postgresUrl,
  DATA_DIR: z.string().min(1).optional().default('./data'),
  ISSUER: z
    .string()
    .optional()
    .refine(
      (v) => {
        if (v === undefined || v === '') return true;
        try {
          const u = new URL(v);
          return (u.protocol === 'https:' || u.protocol === 'http:') && !u.search && !u.hash;
        } catch {
          return false;
        }
      },
      { message: 'must be an http(s) URL without query or fragment (RFC 8414 §2)' },
    ),
  BOOTSTRAP_ADMIN_CLIENT_ID: z.string().optional(),
  BOOTSTRAP_ADMIN_CLIENT_SECRET: z.string().optional(),
  SECRET_PEPPER: longSecret,
  SIGNING_KEY_ENCRYPTION_KEY: longSecret,
  REDIS_URL: redisUrl,
  MIGRATIONS_RUN: bool(true),
  TRUSTED_PROXIES: cidrList,
  TOKEN_TTL_MAX_SECONDS: int(3600, 60, 86400),
  TOKEN_TTL_WRITE_MAX_SECONDS: int(300, 60, 3600),
  KEY_DEFAULT_LIFETIME_DAYS: int(90, 1, 3650),
  KEY_MAX_LIFETIME_DAYS: int(365, 1, 3650),
  REQUIRE_ALLOWLIST_FOR_WRITE_SCOPES: bool(true),
  CLOCK_SKEW_SECONDS: int(5, 0, 300),
  SIGNING_KEY_ROTATION_DAYS: int(90, 0, 3650),
  SIGNING_KEY_LEAD_SECONDS: int(900, 0, 604800),
  SIGNING_KEY_REFRESH_SECONDS: int(30, 1, 3600),
  LOCKOUT_THRESHOLD: int(5, 1, 1000),
  LOCKOUT_WINDOW_SECONDS: int(900, 1, 86400),
  LOCKOUT_BASE_SECONDS: int(1, 1, 3600),
  LOCKOUT_MAX_SECONDS: int(900, 1, 86400),
  TOKEN_RATE_LIMIT_PER_MINUTE: int(300, 0, 10_000_000),
  INTROSPECTION_RATE_LIMIT_PER_MINUTE: int(60_000, 0, 100_000_000),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const origins = (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      for (const o of origins) {
        if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)) {
          ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin (scheme://host[:port]) or *` });
          return z.NEVER;
        }
      }
      return origins;
    }),
  AUDIENCE_EXCHANGE: z.string().min(1).optional().default('urn:wagmix:exchange'),
  AUDIENCE_COIN: z.string().min(1).optional().default('urn:wagmix:coin'),
  AUDIENCE_ADMIN: z.string().min(1).optional().default('urn:wagmix:admin'),
  SCOPE_CATALOG_EXTRA: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return {};
      try {
        const parsed: unknown = JSON.parse(v);
        const result = z.record(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/), z.string().min(1)).parse(parsed);
        return result;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object mapping scope to audience' });
        return z.NEVER;
      }
    }),
  /** 0: keep audit events forever. */
  AUDIT_RETENTION_DAYS: int(0, 0, 36500),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  /** Unset: human-readable only outside production with a terminal on stdout; JSON lines otherwise. */
  LOG_FORMAT: z
    .enum(['json', 'pretty', ''], { message: 'must be json or pretty' })
    .optional()
    .transform((v) => (v ? v : undefined)),
  METRICS_ENABLED: bool(true),
  /** Empty means unset, so compose files can pass `${METRICS_TOKEN:-}`. */
  METRICS_TOKEN: z
    .string()
    .optional()
    .refine((v) => !v || v.length >= 16, { message: 'must be at least 16 characters' })
    .transform((v) => (v ? v : undefined)),
  METRICS_ALLOW_CIDRS: cidrList,
});

export type Env = z.infer<typeof envSchema>;
