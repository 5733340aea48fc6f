import { Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { VerificationKeys } from '../guard/guard-options';
import { SigningKeysService } from './signing-keys.service';

/** The guard's keys inside the authorization server itself: straight from the signing-key store. */
@Injectable()
export class StoreVerificationKeys extends VerificationKeys {
  constructor(private readonly signingKeys: SigningKeysService) {
    super();
  }

  get(kid: string): KeyObject | undefined {
    return this.signingKeys.publicKey(kid);
  }
}
