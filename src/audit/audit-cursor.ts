/**
 * Opaque list cursors: the last id of a page, bound to the filters it was
 * made for and authenticated with an HMAC, so a cursor that was edited,
 * truncated or carried over to other filters is a clean 400 instead of a
 * silently different page. The key derives from SECRET_PEPPER, which every
 * instance shares, so any instance accepts any instance's cursor.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditFilters } from './audit-query';

const ID = /^[1-9]\d{0,18}$/;
const MAC_BYTES = 16;

export class AuditCursors {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('wagmix audit cursor v1').digest();
  }

  encode(lastId: string, filters: AuditFilters): string {
    return Buffer.from(`${lastId}.${this.mac(lastId, filters)}`, 'utf8').toString('base64url');
  }

  /** The id the next page starts below, or null when the cursor is not one of ours for these filters. */
  decode(cursor: string, filters: AuditFilters): string | null {
    if (cursor.length > 100 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
    const [id, mac, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
    if (id === undefined || mac === undefined || rest.length > 0 || !ID.test(id) || BigInt(id) > 9223372036854775807n) return null;
    const given = Buffer.from(mac, 'base64url');
    const expected = Buffer.from(this.mac(id, filters), 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
  }

  private mac(id: string, f: AuditFilters): string {
    const scope = JSON.stringify([id, f.type, f.outcome, f.clientId, f.accountId, f.since?.toISOString(), f.until?.toISOString()]);
    return createHmac('sha256', this.key).update(scope).digest().subarray(0, MAC_BYTES).toString('base64url');
  }
}
