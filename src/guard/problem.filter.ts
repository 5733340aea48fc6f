/**
 * Lets the guard's RFC 6750 refusals reach the wire as problem+json (with
 * their WWW-Authenticate challenge) in any resource server, which may have no
 * exception filter of its own.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../common/errors/http-error.filter';
import { Problem } from '../common/errors/problem';

@Catch(Problem)
export class ProblemFilter implements ExceptionFilter {
  catch(problem: Problem, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(http.getResponse<FastifyReply>(), http.getRequest<FastifyRequest>(), problem);
  }
}
