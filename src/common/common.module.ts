import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { RequestContextService } from './http/request-context.service';

@Global()
@Module({
  providers: [Clock, RequestContextService],
  exports: [Clock, RequestContextService],
})
export class CommonModule {}
