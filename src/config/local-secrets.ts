/**
 * Development convenience: when SECRET_PEPPER or SIGNING_KEY_ENCRYPTION_KEY is
 * not set outside production, generate each once and keep it in DATA_DIR, so
 * that stored secret hashes and sealed signing keys stay usable across restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSecrets {
  readonly file: string;
  readonly secretPepper: string;
  readonly signingKeyEncryptionKey: string;
}

export function loadOrCreateLocalSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>;
    if (typeof stored.secretPepper === 'string' && typeof stored.signingKeyEncryptionKey === 'string') {
      return { file, secretPepper: stored.secretPepper, signingKeyEncryptionKey: stored.signingKeyEncryptionKey };
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets = {
    secretPepper: randomBytes(32).toString('base64url'),
    signingKeyEncryptionKey: randomBytes(32).toString('base64url'),
  };
  // 'wx' never overwrites: if another process won the race, read what it wrote.
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateLocalSecrets(dataDir);
    throw err;
  }
  return { file, ...secrets };
}
