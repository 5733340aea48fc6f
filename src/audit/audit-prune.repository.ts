/**
 * Retention's way past the append-only trigger: the `audit_prune(before)`
 * database function (migration AuditQueryIndexes). It removes the prefix of
 * the chain older than `before` and hands back the checkpoint that the caller
 * must record, in the same transaction, as an `audit.pruned` event.
 */
import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';

export interface PruneCheckpoint {
  /** Id and hash of the last removed event: the first remaining event's prev_hash. */
  readonly throughId: string;
  readonly throughHash: string;
  readonly removed: number;
}

@Injectable()
export class AuditPruneRepository {
  /** Skips (false) rather than waits when another instance is pruning; the lock ends with `tx`. */
  async tryLock(tx: Tx): Promise<boolean> {
    const rows = (await tx.query("SELECT pg_try_advisory_xact_lock(hashtext('wagmix.audit_prune')) AS locked")) as { locked: boolean }[];
    return rows[0]?.locked === true;
  }

  /** The start of the UTC day of the oldest event, or null for an empty log. */
  async oldestDay(tx: Tx): Promise<Date | null> {
    const rows = (await tx.query(
      "SELECT date_trunc('day', occurred_at, 'UTC') AS day FROM audit_events ORDER BY id LIMIT 1",
    )) as { day: Date }[];
    return rows[0]?.day ?? null;
  }

  /** `before` must be the start of a UTC day at least a day ago (the function refuses anything else). */
  async prune(tx: Tx, before: Date): Promise<PruneCheckpoint | null> {
    const rows = (await tx.query('SELECT through_id::text, through_hash, removed::int FROM audit_prune($1)', [before.toISOString()])) as {
      through_id: string;
      through_hash: string;
      removed: number;
    }[];
    const r = rows[0];
    return r ? { throughId: r.through_id, throughHash: r.through_hash, removed: r.removed } : null;
  }
}
