/**
 * The single place where errors become HTTP. OAuth endpoints speak RFC 6749
 * §5.2 JSON; everything else speaks RFC 9457 problem+json. Unknown errors are
 * a generic 500 on the wire and a stack trace in the log; an unreachable store
 * is a 503.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { isStoreUnavailable } from '../../database/store-errors';
import { OAuthError } from './oauth-error';
import { Problem } from './problem';

const OAUTH_PATH = /^\/oauth2\//;

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (OAUTH_PATH.test(req.url)) sendOAuth(reply, this.toOAuth(exception, req));
    else sendProblem(reply, req, this.toProblem(exception, req));
  }

  private logUnhandled(e: unknown, req: FastifyRequest): void {
    this.logger.error({ request_id: String(req.id), err: { stack: errorStack(e) } }, `unhandled error on ${req.method} ${req.routeOptions.url ?? 'unknown route'}`);
  }

  private toOAuth(e: unknown, req: FastifyRequest): { status: number; body: object; headers: Record<string, string> } {
    if (e instanceof OAuthError) return { status: e.status, body: { error: e.error, error_description: e.description }, headers: e.headers };
    if (isStoreUnavailable(e)) return unavailable('The token store is unavailable, retry shortly');
    if (e instanceof HttpException && e.getStatus() < 500) {
      const status = e.getStatus();
      return { status, body: { error: 'invalid_request', error_description: describeHttp(e) }, headers: {} };
    }
    if (isClientError(e)) return { status: e.statusCode, body: { error: 'invalid_request', error_description: e.message }, headers: {} };
    this.logUnhandled(e, req);
    return { status: 500, body: { error: 'server_error', error_description: 'Internal error' }, headers: {} };
  }

  private toProblem(e: unknown, req: FastifyRequest): Problem {
    if (e instanceof Problem) return e;
    if (isStoreUnavailable(e)) return new Problem(503, 'Service Unavailable', 'The store is unavailable, retry shortly').withHeader('Retry-After', '1');
    if (e instanceof HttpException && e.getStatus() < 500) {
      return new Problem(e.getStatus(), titleOf(e), describeHttp(e));
    }
    if (isClientError(e)) return new Problem(e.statusCode, STATUS_CODES[e.statusCode] ?? 'Bad Request', e.message);
    this.logUnhandled(e, req);
    return new Problem(500, 'Internal Server Error', 'An unexpected error occurred; quote the request_id when reporting it');
  }
}

function unavailable(description: string) {
  return { status: 503, body: { error: 'temporarily_unavailable', error_description: description }, headers: { 'Retry-After': '1' } };
}

function sendOAuth(reply: FastifyReply, r: { status: number; body: object; headers: Record<string, string> }): void {
  void reply
    .status(r.status)
    .headers({ 'cache-control': 'no-store', pragma: 'no-cache', ...r.headers })
    .type('application/json')
    .send(r.body);
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, p: Problem): void {
  void reply
    .status(p.status)
    .headers({ 'cache-control': 'no-store', ...p.headers })
    .type('application/problem+json')
    .send({ type: p.type, title: p.title, status: p.status, detail: p.detail, ...p.extensions, request_id: String(req.id) });
}

/** Fastify's own 4xx errors (bad content type, body too large, malformed JSON) carry a statusCode. */
function isClientError(e: unknown): e is { statusCode: number; message: string } {
  const s = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 500;
}

function describeHttp(e: HttpException): string {
  const r = e.getResponse();
  if (typeof r === 'string') return r;
  const m = (r as { message?: unknown }).message;
  return Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : e.message;
}

function titleOf(e: HttpException): string {
  return STATUS_CODES[e.getStatus()] ?? 'Error';
}

function errorStack(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
