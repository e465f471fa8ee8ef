/**
 * One behavioural suite, run against every backend. Redis must be reachable at REDIS_URL
 * (default redis://127.0.0.1:6379): when it is not, the redis block fails in beforeAll.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashKey, StoreError, type SecureStore } from '../../src/storage/index.js';
import { makeBackend, runWorker, sleep, startWorker, type Backend, type BackendName } from './helpers.js';

const BACKENDS: BackendName[] = ['memory', 'file', 'redis'];

async function expectStoreError(p: Promise<unknown>, code: string): Promise<StoreError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  return err as StoreError;
}

describe.each(BACKENDS)('Store conformance: %s', (name) => {
  let backend: Backend;
  let store: SecureStore;

  let openError: unknown;

  beforeAll(async () => {
    backend = makeBackend(name);
    store = await backend.open().catch((err: unknown) => {
      openError = err;
      return undefined as unknown as SecureStore;
    });
  });

  // An unreachable backend (Redis down) fails every test of its block, visibly: never a skip.
  beforeEach(() => {
    if (openError !== undefined) throw openError;
  });

  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });

  it('reports its backend and declared secret collections', () => {
    expect(store.backend).toBe(name);
    expect(store.security).toEqual({ secretKeyCollections: ['codes', 'tokens'], encryptedCollections: ['secrets', 'tokens'] });
  });

  it('round-trips JSON values and deletes them', async () => {
    const value = { s: 'héllo ✓', n: 42.5, neg: -1, t: true, f: false, nil: null, arr: [1, 'two', { three: 3 }], nested: { a: { b: [] } } };
    await store.set('basic', 'k1', value);
    expect(await store.get('basic', 'k1')).toEqual(value);
    await store.set('basic', 'k2', 'plain string');
    expect(await store.get('basic', 'k2')).toBe('plain string');
    await store.set('basic', 'k3', 0);
    expect(await store.get('basic', 'k3')).toBe(0);
    await store.set('basic', 'k1', [1, 2]);
    expect(await store.get('basic', 'k1')).toEqual([1, 2]);
    await store.delete('basic', 'k1');
    expect(await store.get('basic', 'k1')).toBeUndefined();
    await store.delete('basic', 'never-existed');
    expect(await store.get('basic', 'missing')).toBeUndefined();
  });

  it('lists keys by prefix, sorted, per collection, with glob characters taken literally', async () => {
    for (const k of ['user:2', 'user:1', 'other', 'x*1', 'x?2', 'x[3]', 'xa', 'x\\4']) await store.set('listing', k, 1);
    await store.set('listing.other', 'user:9', 1);
    expect(await store.list('listing', 'user:')).toEqual(['user:1', 'user:2']);
    expect(await store.list('listing', 'x*')).toEqual(['x*1']);
    expect(await store.list('listing', 'x[')).toEqual(['x[3]']);
    expect(await store.list('listing', 'x\\')).toEqual(['x\\4']);
    expect(await store.list('listing')).toEqual(['other', 'user:1', 'user:2', 'x*1', 'x?2', 'x[3]', 'x\\4', 'xa'].sort());
    expect(await store.list('listing', 'nothing')).toEqual([]);
    expect(await store.list('empty-collection')).toEqual([]);
  });

  it('expires entries after their TTL: set, compareAndSet and increment (get, take and list)', async () => {
    // One wait for every TTL case keeps the suite fast.
    await store.set('ttl', 'short', { a: 1 }, { ttlSeconds: 1 });
    await store.set('ttl', 'long', { a: 2 }, { ttlSeconds: 60 });
    await store.set('ttl', 'forever', { a: 3 });
    await store.set('ttl', 'reset', 1, { ttlSeconds: 1 });
    await store.set('ttl', 'reset', 2); // a set without TTL makes the entry permanent again
    expect(await store.compareAndSet('ttl-cas', 'k', undefined, 'x', { ttlSeconds: 1 })).toBe(true);
    const counts = await Promise.all(Array.from({ length: 50 }, () => store.increment('ttl-counter', 'hits', 1, { ttlSeconds: 1 })));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await store.increment('ttl-counter', 'hits', -10)).toBe(40); // keeps the creation TTL
    expect(await store.get('ttl', 'short')).toEqual({ a: 1 });
    expect(await store.get('ttl-counter', 'hits')).toBe(40);

    await sleep(1300);
    expect(await store.get('ttl', 'short')).toBeUndefined();
    expect(await store.take('ttl', 'short')).toBeUndefined();
    expect(await store.list('ttl')).toEqual(['forever', 'long', 'reset']);
    expect(await store.get('ttl', 'reset')).toBe(2);
    expect(await store.compareAndSet('ttl-cas', 'k', undefined, 'y')).toBe(true); // expired counts as absent
    expect(await store.get('ttl-counter', 'hits')).toBeUndefined();
    expect(await store.list('ttl-counter')).toEqual([]);
    expect(await store.increment('ttl-counter', 'hits', 5)).toBe(5); // a fresh counter
  });

  it('take returns the value once and deletes it', async () => {
    await store.set('take', 'code', { sub: 'alice' });
    expect(await store.take('take', 'code')).toEqual({ sub: 'alice' });
    expect(await store.take('take', 'code')).toBeUndefined();
    expect(await store.get('take', 'code')).toBeUndefined();
    expect(await store.take('take', 'missing')).toBeUndefined();
  });

  it('take under in-process concurrency: 50 callers, exactly one wins', async () => {
    for (const collection of ['take', 'codes', 'secrets']) {
      await store.set(collection, 'contended', { n: 1 });
      const results = await Promise.all(Array.from({ length: 50 }, () => store.take(collection, 'contended')));
      expect(results.filter((r) => r !== undefined)).toEqual([{ n: 1 }]);
    }
  });

  it('compareAndSet: only-if-absent, canonical JSON equality, mismatch', async () => {
    expect(await store.compareAndSet('cas', 'k', undefined, { v: 1, w: 'x' })).toBe(true);
    expect(await store.compareAndSet('cas', 'k', undefined, { v: 9 })).toBe(false);
    // Same JSON with members in another order: equal.
    expect(await store.compareAndSet('cas', 'k', { w: 'x', v: 1 }, { v: 2 })).toBe(true);
    expect(await store.compareAndSet('cas', 'k', { v: 1 }, { v: 3 })).toBe(false);
    expect(await store.get('cas', 'k')).toEqual({ v: 2 });
    expect(await store.compareAndSet('cas', 'absent', { v: 1 }, { v: 2 })).toBe(false);
    expect(await store.get('cas', 'absent')).toBeUndefined();
  });

  it('compareAndSet under contention (refresh-token rotation): exactly one of 30 wins', async () => {
    for (const collection of ['cas', 'secrets']) {
      await store.set(collection, 'family', { generation: 0 });
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          store.compareAndSet(collection, 'family', { generation: 0 }, { generation: 1, by: i }, { ttlSeconds: 60 }),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = outcomes.indexOf(true);
      expect(await store.get(collection, 'family')).toEqual({ generation: 1, by: winner });
    }
  });

  it('increment: concurrent sum is exact, missing key counts as 0, non-integers refused', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => store.increment('counters', 'hits', 2)));
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => 2 * (i + 1)));
    expect(await store.get('counters', 'hits')).toBe(100);
    expect(await store.increment('counters', 'default')).toBe(1);
    await store.set('counters', 'text', 'abc');
    await expectStoreError(store.increment('counters', 'text', 1), 'STORE_INVALID');
    expect(await store.get('counters', 'text')).toBe('abc');
    await expectStoreError(store.increment('counters', 'hits', 1.5), 'STORE_INVALID');
    await expectStoreError(store.increment('secrets', 'n', 1), 'STORE_INVALID');
  });

  it('secret-keyed collections store and list SHA-256 hashes, never the raw key', async () => {
    await store.set('codes', 'auth-code-123', { client: 'c1' }, { ttlSeconds: 60 });
    expect(await store.get('codes', 'auth-code-123')).toEqual({ client: 'c1' });
    expect(await store.list('codes')).toContain(hashKey('auth-code-123'));
    expect((await store.list('codes')).join()).not.toContain('auth-code-123');
    expect(await store.take('codes', 'auth-code-123')).toEqual({ client: 'c1' });
  });

  it('encrypted collections round-trip values and support take and compareAndSet', async () => {
    await store.set('tokens', 'refresh-abc', { upstream: 'ya29.secret' });
    expect(await store.get('tokens', 'refresh-abc')).toEqual({ upstream: 'ya29.secret' });
    expect(await store.compareAndSet('tokens', 'refresh-abc', { upstream: 'ya29.secret' }, { upstream: 'next' })).toBe(true);
    expect(await store.take('tokens', 'refresh-abc')).toEqual({ upstream: 'next' });
    expect(await store.get('tokens', 'refresh-abc')).toBeUndefined();
  });

  it('refuses invalid arguments with STORE_INVALID', async () => {
    await expectStoreError(store.set('bad:name', 'k', 1), 'STORE_INVALID');
    await expectStoreError(store.set('ok', '', 1), 'STORE_INVALID');
    await expectStoreError(store.set('ok', 'k', undefined), 'STORE_INVALID');
    await expectStoreError(store.set('ok', 'k', 1, { ttlSeconds: 0 }), 'STORE_INVALID');
    await expectStoreError(store.set('ok', 'k', 10n), 'STORE_INVALID');
    await expectStoreError(store.get('ok', 'a\u0000b'), 'STORE_INVALID');
  });

  // Memory is per process: its concurrency is covered in-process above, so these are not registered for it.
  const persistentIt = name === 'memory' ? undefined : it;

  persistentIt?.(
    'across 2 processes, 25 concurrent calls each per key: one take wins, one compareAndSet wins, increments add up',
    async () => {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < 60; i++) pairs.push([['take', 'codes', 'secrets'][i % 3] ?? 'take', `xp-${i}`]);
      for (const [i, [c, k]] of pairs.entries()) {
        await store.set(c, k, { k });
        await store.set('cas', `xp-${i}`, { gen: 0 });
      }
      const workers = [0, 1].map(() => startWorker(backend.options, ['race', JSON.stringify(pairs), '25']));
      await Promise.all(workers.map((w) => w.waitFor((l) => l === 'ready')));
      for (const w of workers) w.send('go');
      type Outcome = { takes: Record<string, number>; swaps: Record<string, number> };
      const results = await Promise.all(
        workers.map(async (w) => JSON.parse((await w.waitFor((l) => l.startsWith('result '))).slice(7)) as Outcome),
      );
      for (const [i, [c, k]] of pairs.entries()) {
        expect(
          results.reduce((sum, r) => sum + (r.takes[`${c}/${k}`] ?? 0), 0),
          `take ${c}/${k}`,
        ).toBe(1);
        expect(await store.get(c, k)).toBeUndefined();
        expect(
          results.reduce((sum, r) => sum + (r.swaps[`xp-${i}`] ?? 0), 0),
          `compareAndSet xp-${i}`,
        ).toBe(1);
        expect(await store.get('cas', `xp-${i}`)).toMatchObject({ gen: 1 });
      }
      expect(await store.get('counters', 'xp-total')).toBe(2 * pairs.length * 25);
    },
  );

  persistentIt?.('data written by one process is read by a new process', async () => {
    expect(await runWorker(backend.options, ['set', 'tokens', 'restart-key', JSON.stringify({ hello: 'world' })])).toBe('ok');
    expect(await runWorker(backend.options, ['get', 'tokens', 'restart-key'])).toEqual({ hello: 'world' });
    expect(await store.get('tokens', 'restart-key')).toEqual({ hello: 'world' });
  });

  it('a closed store refuses operations with STORE_CLOSED', async () => {
    const other = await backend.open();
    await other.close();
    await expectStoreError(other.get('basic', 'k'), 'STORE_CLOSED');
  });
});
