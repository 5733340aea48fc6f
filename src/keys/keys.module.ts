/**
 * API keys in the serving app: the admin API, the first admin key at
 * start-up, the expiry sweep, last-used tracking and the key cache of client
 * authentication, on top of KeysCoreModule.
 */
import { Module } from '@nestjs/common';
import { KeyActionsController } from './key-actions.controller';
import { KeyAuthCache } from './key-auth-cache';
import { KeyExpirySweeper } from './key-expiry.service';
import { KeysBootstrapService } from './keys-bootstrap.service';
import { KeysController } from './keys.controller';
import { KeysCoreModule } from './keys-core.module';
import { LastUsedTracker } from './last-used.tracker';

@Module({
  imports: [KeysCoreModule],
  controllers: [KeysController, KeyActionsController],
  providers: [KeysBootstrapService, KeyExpirySweeper, LastUsedTracker, KeyAuthCache],
  exports: [KeysCoreModule, LastUsedTracker, KeyAuthCache],
})
export class KeysModule {}
