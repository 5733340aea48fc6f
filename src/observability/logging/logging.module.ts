/**
 * nestjs-pino wired to our options: pino-http on every route (request id and
 * completion line per request), and the Logger that app.useLogger installs so
 * every `new Logger(context)` in the code base writes through pino.
 *
 * nestjs-pino keeps one pino-http instance per process (the first one built
 * wins); a process runs one application, except in tests, where a file that
 * needs to capture lines builds its app first.
 */
import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, LevelWithSilent } from 'pino';
import { pinoHttpOptions } from './log-options';

@Module({})
export class LoggingModule {
  static forRoot(level: LevelWithSilent, stream: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: [pinoHttpOptions(level), stream],
          // nestjs-pino's default route, `{/*splat}`, is turned into `/{/*splat}` by @fastify/middie 9.3,
          // which then matches no request: with it, no request would be logged and no line carry request_id.
          forRoutes: [{ path: '/{*splat}', method: RequestMethod.ALL }],
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
