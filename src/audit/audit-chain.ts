/**
 * The tamper-evidence rule: hash = SHA-256(prev_hash ‖ canonical event), where
 * the canonical event is the event JSON without its hashes, keys sorted at
 * every level, no insignificant white space. Anyone can re-check the chain from
 * an export with these few lines.
 */
import { hash } from 'node:crypto';
import type { AuditEventView } from './audit-event';

export const GENESIS_HASH = '0'.repeat(64);

/** Quoted keys by name: events reuse a few dozen keys, and quoting them is a good part of the cost. */
const quotedKeys = new Map<string, string>();
const quoteKey = (key: string): string => {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (quotedKeys.size < 1000) quotedKeys.set(key, quoted);
  }
  return quoted;
};

// Written as plain loops with quoted keys cached: it runs once per event on every
// append and every verify, which at ten million events is minutes of CPU (this is
// about 3x faster than an entries/filter/sort/map version; same output, keys in
// UTF-16 code unit order).
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += (first ? '' : ',') + quoteKey(key) + canonicalJson(v);
    first = false;
  }
  return `${out}}`;
}

export function chainHash(prevHash: string, event: Omit<AuditEventView, 'prev_hash' | 'hash'>): string {
  const body: Omit<AuditEventView, 'prev_hash' | 'hash'> = {
    id: event.id,
    occurred_at: event.occurred_at,
    type: event.type,
    outcome: event.outcome,
    actor: event.actor,
    subject: event.subject,
    reason: event.reason,
    request_id: event.request_id,
    data: event.data,
  };
  // One-shot crypto.hash (Node >= 20.12; engines asks for 20.19) skips the Hash object's
  // allocations: about half the cost of createHash().update().update().digest(). Hashing the
  // concatenation is hashing the two parts in turn, the same bytes in the same order.
  return hash('sha256', prevHash + canonicalJson(body), 'hex');
}
