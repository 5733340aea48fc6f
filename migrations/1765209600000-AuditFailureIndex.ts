import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failures by type. Failures are a few percent of the log and, for most
 * types, none at all: `type=token.issued&outcome=failure` had to read every
 * token.issued row (62 % of ten million) to prove its page empty, past the
 * 10 s statement timeout (docs/audit-performance.md). With this partial index
 * (about 5 % of the rows) every `type` + `outcome=failure` filter, empty or
 * sparse, is one short index range walked newest first.
 */
export class AuditFailureIndex1765209600000 implements MigrationInterface {
  name = 'AuditFailureIndex1765209600000';

  async up(q: QueryRunner): Promise<void> {
    // On a large log the build outlasts the pool's 10 s statement timeout.
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`CREATE INDEX audit_events_failure_type_id_idx ON audit_events (type, id) WHERE outcome = 'failure'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_failure_type_id_idx`);
  }
}
