/**
 * First admin key at start-up. With BOOTSTRAP_ADMIN_CLIENT_ID/SECRET: create
 * that key unless it exists (never overwrite). Without them, on an empty store
 * outside production: create one and print its id and secret once, with the
 * curl line that gets a token, so a new user can try the service at once.
 */
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { KeysService } from './keys.service';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class KeysBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly keys: KeysService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const boot = this.config.bootstrapAdmin;
    if (boot) {
      if (await this.keys.exists(boot.clientId)) return;
      await this.createAdmin({ clientId: boot.clientId, secret: boot.secret, label: 'bootstrap admin (BOOTSTRAP_ADMIN_CLIENT_ID)' });
      this.logger.log(`created the bootstrap admin key ${boot.clientId}`);
      return;
    }
    if (this.config.production || !(await this.keys.isStoreEmpty())) return;
    const created = await this.createAdmin({ label: 'first-start admin key' });
    if (created) this.announce(created.clientId, created.secret);
  }

  private async createAdmin(opts: { clientId?: string; secret?: string; label: string }) {
    try {
      const { key, clientSecret } = await this.keys.create(
        // No expiry: the operator's own key, the way back in; it ends when an admin revokes it.
        { accountId: null, label: opts.label, scopes: this.keys.allAdminScopes(), clientId: opts.clientId, secret: opts.secret, expiresAt: null },
        { clientId: null },
      );
      return { clientId: key.client_id, secret: clientSecret };
    } catch (err) {
      // Another instance sharing the store won the race: its key stands.
      if ((err as { code?: string; driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) return null;
      throw err;
    }
  }

  /** Written straight to stdout, never through the logger: the one time this secret is shown. */
  private announce(clientId: string, secret: string): void {
    const url = `${this.config.issuer}/oauth2/token`;
    process.stdout.write(
      [
        '',
        '  First start: created an admin API key. The secret is shown only this once; keep it.',
        `    client_id:     ${clientId}`,
        `    client_secret: ${secret}`,
        '  Get a token:',
        `    curl -s -u '${clientId}:${secret}' -d grant_type=client_credentials ${url}`,
        '',
        '',
      ].join('\n'),
    );
  }
}
