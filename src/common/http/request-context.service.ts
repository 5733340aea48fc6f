import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { BlockList } from 'node:net';
import { AppConfig } from '../../config/app-config';
import { buildBlockList, headerValue, resolveSourceIp, type RequestContext } from './request-context';

const CONTEXT = Symbol('wagmix.requestContext');
type WithContext = FastifyRequest & { [CONTEXT]?: RequestContext };

@Injectable()
export class RequestContextService {
  private readonly trustedProxies: BlockList;

  constructor(config: AppConfig) {
    this.trustedProxies = buildBlockList(config.trustedProxies);
  }

  of(req: FastifyRequest): RequestContext {
    const r = req as WithContext;
    r[CONTEXT] ??= {
      ip: resolveSourceIp(req.socket.remoteAddress ?? '', headerValue(req, 'x-forwarded-for'), this.trustedProxies),
      userAgent: headerValue(req, 'user-agent') ?? null,
      requestId: String(req.id),
    };
    return r[CONTEXT];
  }
}
