/**
 * Who is calling, as the audit log and the allow-lists see it: the source
 * address (socket peer, or the X-Forwarded-For entry added by the nearest
 * trusted proxy), the user agent and the request id.
 */
import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

export interface RequestContext {
  readonly ip: string;
  readonly userAgent: string | null;
  readonly requestId: string;
}

/** IPv4-mapped IPv6 (::ffff:1.2.3.4) counts as IPv4. */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return m ? (m[1] as string) : ip;
}

export function buildBlockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [addr, prefix] = entry.split('/') as [string, string | undefined];
    const norm = normalizeIp(addr);
    const family = isIP(norm) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(norm, family);
    else list.addSubnet(norm, Number(prefix), family);
  }
  return list;
}

export function blockListHas(list: BlockList, ip: string): boolean {
  const norm = normalizeIp(ip);
  const family = isIP(norm);
  if (family === 0) return false;
  return list.check(norm, family === 6 ? 'ipv6' : 'ipv4');
}

/** Walks X-Forwarded-For from the right while each hop is a trusted proxy. */
export function resolveSourceIp(peer: string, forwardedFor: string | undefined, trusted: BlockList): string {
  let current = normalizeIp(peer);
  if (!forwardedFor) return current;
  const hops = forwardedFor
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  while (blockListHas(trusted, current) && hops.length > 0) {
    const next = normalizeIp(hops.pop() as string);
    if (isIP(next) === 0) break;
    current = next;
  }
  return current;
}

export function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
