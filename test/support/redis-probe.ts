/**
 * Whether a Redis answers on the loopback, decided once when a spec loads (so
 * the spec can declare its Redis tests or skip them by name). CI machines run
 * one; a newcomer's laptop may not, and `npm test` must still pass there.
 */
import { spawnSync } from 'node:child_process';

export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

const PROBE = `
const s = require('node:net').connect(6379, '127.0.0.1');
s.setTimeout(1000, () => process.exit(1));
s.on('error', () => process.exit(1));
s.on('connect', () => s.write('PING\\r\\n'));
s.on('data', (d) => process.exit(String(d).startsWith('+PONG') ? 0 : 1));`;

export function redisAvailable(): boolean {
  return spawnSync(process.execPath, ['-e', PROBE], { timeout: 3000 }).status === 0;
}
