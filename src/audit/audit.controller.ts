/**
 * GET /admin/audit-events (list, or a streamed export), /verify and /{id},
 * all behind `admin:audit:read`. `verify` is declared before `{id}` (and the
 * router prefers static paths anyway), so it is never read as an id.
 */
import { Controller, Get, Header, Param, Query, StreamableFile } from '@nestjs/common';
import { Problem } from '../common/errors/problem';
import { Scopes } from '../guard/decorators';
import type { AuditEventView } from './audit-event';
import { CONTENT_TYPES } from './audit-export';
import { parseListQuery } from './audit-query.dto';
import { type AuditPage, AuditQueryService } from './audit-query.service';
import { AuditVerifier, type VerifyResult } from './audit-verifier';

const EVENT_ID = /^[1-9]\d{0,18}$/;

@Controller('admin/audit-events')
@Scopes('admin:audit:read')
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly verifier: AuditVerifier,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async list(@Query() raw: unknown): Promise<AuditPage | StreamableFile> {
    const q = parseListQuery(raw);
    if (q.format === 'json') return this.query.list(q);
    const stream = await this.query.export(q.filters, q.format);
    return new StreamableFile(stream, {
      type: CONTENT_TYPES[q.format],
      disposition: `attachment; filename="audit-events.${q.format}"`,
    });
  }

  @Get('verify')
  @Header('Cache-Control', 'no-store')
  verify(@Query() raw: unknown): Promise<VerifyResult> {
    const unknown = Object.keys((raw ?? {}) as object);
    if (unknown.length > 0)
      throw Problem.badRequest(`${unknown.join(', ')}: unknown query parameter`, {
        errors: unknown.map((field) => ({ field, message: 'unknown query parameter' })),
      });
    return this.verifier.verify();
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  async get(@Param('id') id: string): Promise<AuditEventView> {
    if (!EVENT_ID.test(id) || BigInt(id) > 9223372036854775807n)
      throw Problem.badRequest('id: must be a positive integer', { errors: [{ field: 'id', message: 'must be a positive integer' }] });
    return this.query.get(id);
  }
}
