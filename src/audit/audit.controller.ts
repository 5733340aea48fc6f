/**
 * GET /admin/audit-events (list, or a streamed export), /verify and /{id},
 * all behind `admin:audit:read`. `verify` is declared before `{id}` (and the
 * router prefers static paths anyway), so it is never read as an id.
 */
import { Controller, Get, Header, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Problem } from '../common/errors/problem';
import { Scopes } from '../guard/decorators';
import type { AuditEventView } from './audit-event';
import { CONTENT_TYPES } from './audit-export';
import { auditListQuerySchema, parseListQuery } from './audit-query.dto';
import { type AuditPage, AuditQueryService } from './audit-query.service';
import { AuditVerifier, type VerifyResult } from './audit-verifier';
import { ApiJson, ApiProblems } from '../openapi/decorators';
import { ref } from '../openapi/schemas';
import { ApiZodQuery } from '../openapi/zod-schema';

const EVENT_ID = /^[1-9]\d{0,18}$/;

@ApiTags('Admin: audit events')
@Controller('admin/audit-events')
@Scopes('admin:audit:read')
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly verifier: AuditVerifier,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Audit events, newest first; format=ndjson or csv streams the whole filtered set' })
  @ApiZodQuery(auditListQuerySchema, {
    since: { format: 'date-time', description: 'RFC 3339; events at or after.' },
    until: { format: 'date-time', description: 'RFC 3339; events at or before.' },
    client_id: { description: 'Matches the actor or the subject.' },
    limit: { description: 'Page size, 1-200 (default 50); not with an export.' },
    cursor: { description: 'next_cursor of the previous page; not with an export.' },
  })
  @ApiResponse({
    status: 200,
    description: 'A page of events (json), or every filtered event as an attachment (ndjson: one event per line; csv).',
    content: {
      'application/json': { schema: ref('AuditEventPage') },
      [CONTENT_TYPES.ndjson]: { schema: ref('AuditEvent') },
      [CONTENT_TYPES.csv]: { schema: { type: 'string' } },
    },
  })
  @ApiProblems([400, 'An unknown, repeated or invalid query parameter.'], [503, 'The store is unavailable, or the query took too long: narrow it.'])
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
  @ApiOperation({ summary: 'Verify the hash chain of the whole log' })
  @ApiJson(200, 'AuditVerifyResult', 'Whether the chain holds, and where it first breaks.')
  @ApiProblems([400, 'Takes no query parameter.'])
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
  @ApiOperation({ summary: 'One audit event' })
  @ApiParam({ name: 'id', schema: { type: 'string', pattern: '^[1-9][0-9]{0,18}$' }, description: 'The event id.' })
  @ApiJson(200, 'AuditEvent', 'The event.')
  @ApiProblems([400, 'The id is not a positive integer.'], 404)
  @Header('Cache-Control', 'no-store')
  async get(@Param('id') id: string): Promise<AuditEventView> {
    if (!EVENT_ID.test(id) || BigInt(id) > 9223372036854775807n)
      throw Problem.badRequest('id: must be a positive integer', { errors: [{ field: 'id', message: 'must be a positive integer' }] });
    return this.query.get(id);
  }
}
