import { Module } from '@nestjs/common';
import { KeysBootstrapService } from './keys-bootstrap.service';
import { KeysController } from './keys.controller';
import { KeysRepository } from './keys.repository';
import { KeysService } from './keys.service';

@Module({
  controllers: [KeysController],
  providers: [KeysRepository, KeysService, KeysBootstrapService],
  exports: [KeysRepository, KeysService],
})
export class KeysModule {}
