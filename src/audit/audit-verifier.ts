/**
 * Walks the hash chain in id order and names the first event that does not
 * hold: a broken link (prev_hash is not the previous event's hash, which is
 * also how a removed event shows), a hash that does not recompute from the
 * row, or a chain head that disagrees with the last event. Constant memory:
 * batches of rows inside one read-only snapshot, so writers and retention
 * can run meanwhile. After retention the walk starts from the checkpoint that
 * the latest `audit.pruned` event recorded for the first remaining event.
 * Used by GET /admin/audit-events/verify and the `audit:verify` CLI command.
 */
import { Injectable } from '@nestjs/common';
import { chainHash, GENESIS_HASH } from './audit-chain';
import { AuditReadRepository } from './audit-read.repository';
import { toView } from './audit-rows';

export interface VerifyResult {
  ok: boolean;
  /** Events examined, the bad one included. */
  checked: number;
  /** The first event that does not hold (or, for a chain cut short, the first missing id). */
  first_bad_id: string | null;
}

const BATCH = 2000;

@Injectable()
export class AuditVerifier {
  constructor(private readonly repository: AuditReadRepository) {}

  verify(options: { batchSize?: number; onProgress?: (checked: number, lastId: string) => void } = {}): Promise<VerifyResult> {
    const batchSize = options.batchSize ?? BATCH;
    return this.repository.snapshot(async (s) => {
      const head = await s.head();
      const firstId = await s.firstId();
      if (firstId === null) {
        // An empty table is only right for a chain that never started.
        return head.lastId === '0' ? { ok: true, checked: 0, first_bad_id: null } : { ok: false, checked: 0, first_bad_id: '1' };
      }
      let expectedPrev = GENESIS_HASH;
      if (firstId !== '1') {
        const through = (BigInt(firstId) - 1n).toString();
        const checkpoint = await s.checkpointHash(through);
        if (checkpoint === null) return { ok: false, checked: 1, first_bad_id: firstId };
        expectedPrev = checkpoint;
      }

      let checked = 0;
      let lastId = (BigInt(firstId) - 1n).toString();
      for (;;) {
        const rows = await s.rowsAfter(lastId, head.lastId, batchSize);
        for (const row of rows) {
          checked += 1;
          const { prev_hash, hash, ...body } = toView(row);
          if (prev_hash !== expectedPrev || chainHash(prev_hash, body) !== hash) return { ok: false, checked, first_bad_id: row.id };
          expectedPrev = hash;
          lastId = row.id;
        }
        options.onProgress?.(checked, lastId);
        if (rows.length < batchSize) break;
      }
      // The head is what writers chain onto: it must be the last event, or events were removed from the end
      // (or rows were slipped in beyond it, where the next writer would collide with them).
      if (lastId !== head.lastId) return { ok: false, checked, first_bad_id: (BigInt(lastId) + 1n).toString() };
      if (expectedPrev !== head.lastHash) return { ok: false, checked, first_bad_id: head.lastId };
      const lastRow = await s.lastRowId();
      if (lastRow !== null && BigInt(lastRow) > BigInt(head.lastId)) return { ok: false, checked, first_bad_id: (BigInt(head.lastId) + 1n).toString() };
      return { ok: true, checked, first_bad_id: null };
    });
  }
}
