import type { Clock } from '../common/clock';
import type { KeySecretsRepository, LastUsedRow } from './key-secrets.repository';
import { LastUsedTracker } from './last-used.tracker';

/** An in-memory repository recording each batched write, so the count of writes is what is checked. */
class Store {
  readonly writes: { keys: LastUsedRow[]; secrets: LastUsedRow[] }[] = [];
  fail = false;
  writeLastUsed(keys: readonly LastUsedRow[], secrets: readonly LastUsedRow[]): Promise<void> {
    if (this.fail) return Promise.reject(new Error('store down'));
    this.writes.push({ keys: [...keys], secrets: [...secrets] });
    return Promise.resolve();
  }
}

describe('LastUsedTracker', () => {
  let now: number;
  let store: Store;
  let tracker: LastUsedTracker;
  const clock = { now: () => new Date(now) } as Clock;
  const use = (clientId: string, secretId: string, ip: string, stored: Date | null = null) =>
    tracker.note({ clientId, secretId, ip, keyLastUsedAt: stored, secretLastUsedAt: stored });

  beforeEach(() => {
    now = Date.parse('2026-12-03T12:00:00Z');
    store = new Store();
    tracker = new LastUsedTracker(store as unknown as KeySecretsRepository, clock);
  });

  it('batches every dirty key into one write, keeping the latest use of each', async () => {
    use('k1', 's1', '10.0.0.1');
    now += 1000;
    use('k1', 's1', '10.0.0.2');
    use('k2', 's2', '10.0.0.3');
    expect(await tracker.flush()).toBe(2);
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0]?.keys).toEqual([
      { id: 'k1', at: new Date(now), ip: '10.0.0.2' },
      { id: 'k2', at: new Date(now), ip: '10.0.0.3' },
    ]);
    expect(await tracker.flush()).toBe(0);
    expect(store.writes).toHaveLength(1);
  });

  it('skips a key whose stored time is less than a minute old', async () => {
    use('k1', 's1', '10.0.0.1', new Date(now - 59_000));
    expect(await tracker.flush()).toBe(0);
    use('k1', 's1', '10.0.0.1', new Date(now - 60_000));
    expect(await tracker.flush()).toBe(1);
  });

  it('writes a key at most once a minute even while its stored time reads stale', async () => {
    use('k1', 's1', '10.0.0.1');
    await tracker.flush();
    now += 30_000;
    use('k1', 's1', '10.0.0.1'); // another instance's stale read, or ours before the write shows
    expect(await tracker.flush()).toBe(0);
    now += 30_000;
    use('k1', 's1', '10.0.0.1');
    expect(await tracker.flush()).toBe(1);
  });

  it('keeps entries that failed to write for the next flush', async () => {
    use('k1', 's1', '10.0.0.1');
    store.fail = true;
    expect(await tracker.flush()).toBe(0);
    store.fail = false;
    expect(await tracker.flush()).toBe(1);
    expect(store.writes[0]?.secrets).toEqual([{ id: 's1', at: new Date(now), ip: '10.0.0.1' }]);
  });
});
