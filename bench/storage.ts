/**
 * Storage throughput: get, set and take operations per second for each backend.
 * Run directly: node --import tsx bench/storage.ts   (Redis at REDIS_URL, default 127.0.0.1:6379)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { createStore, type Store, type StorageOptions } from '../src/storage/index.js';

export type BenchBackend = 'memory' | 'file' | 'redis';
export type BenchOp = 'get' | 'set' | 'take';

export interface StorageBenchRow {
  backend: string;
  op: BenchOp;
  opsPerSec: number;
  /** opsPerSec divided by the memory backend's figure for the same operation. */
  relativeToMemory: number;
}

export interface StorageBenchOptions {
  /** Operations per measurement. Default 2 000. */
  ops?: number;
  /** Operations in flight at once. Default 8. */
  concurrency?: number;
  /** Default: all three; Redis is left out (with a note on stderr) when unreachable. */
  backends?: BenchBackend[];
  redisUrl?: string;
}

export async function benchStorage(options: StorageBenchOptions = {}): Promise<StorageBenchRow[]> {
  const ops = options.ops ?? 2_000;
  const concurrency = options.concurrency ?? 8;
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const rows: Array<Omit<StorageBenchRow, 'relativeToMemory'>> = [];
  for (const backend of options.backends ?? ['memory', 'file', 'redis']) {
    if (backend === 'redis' && !(await reachable(redisUrl))) {
      process.stderr.write(`bench/storage: Redis at ${redisUrl} unreachable, skipping the redis backend\n`);
      continue;
    }
    const { store, cleanup } = await open(backend, redisUrl);
    try {
      const keys = Array.from({ length: ops }, (_, i) => `key-${i}`);
      const value = { sub: 'user-123', clientId: 'client-abc', scopes: ['read', 'write'], exp: 1_900_000_000 };
      // Warm-up (JIT, connections, LMDB pages) on other keys, so the first measurement is not penalised.
      const warm = keys.slice(0, Math.min(200, ops)).map((k) => `warm-${k}`);
      for (const fn of [
        (k: string) => store.set('bench', k, value),
        (k: string) => store.get('bench', k),
        (k: string) => store.take('bench', k),
      ])
        await measure(warm, concurrency, fn);
      // Order matters: get and take read what set wrote.
      rows.push({
        backend,
        op: 'set',
        opsPerSec: await measure(keys, concurrency, (k) => store.set('bench', k, value, { ttlSeconds: 600 })),
      });
      rows.push({ backend, op: 'get', opsPerSec: await measure(keys, concurrency, (k) => store.get('bench', k)) });
      rows.push({ backend, op: 'take', opsPerSec: await measure(keys, concurrency, (k) => store.take('bench', k)) });
    } finally {
      await store.close();
      await cleanup();
    }
  }
  const memory = new Map(rows.filter((r) => r.backend === 'memory').map((r) => [r.op, r.opsPerSec]));
  return rows.map((r) => ({ ...r, relativeToMemory: round(r.opsPerSec / (memory.get(r.op) ?? Number.NaN), 4) }));
}

/** Runs `fn` over every key with at most `concurrency` calls in flight; returns operations per second. */
async function measure(keys: string[], concurrency: number, fn: (key: string) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < keys.length) await fn(keys[next++] as string);
    }),
  );
  return Math.round(keys.length / ((performance.now() - start) / 1000));
}

async function open(backend: BenchBackend, redisUrl: string): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const base: StorageOptions = { keys: [randomBytes(32).toString('base64')] };
  if (backend === 'memory') return { store: await createStore({ ...base, type: 'memory' }, {}), cleanup: async () => undefined };
  if (backend === 'file') {
    const path = mkdtempSync(join(tmpdir(), 'mcp-bastion-bench-'));
    return {
      store: await createStore({ ...base, type: 'file', path }, {}),
      cleanup: async () => rmSync(path, { recursive: true, force: true }),
    };
  }
  const keyPrefix = `mcp-bastion-bench:${randomBytes(4).toString('hex')}:`;
  const store = await createStore({ ...base, type: 'redis', url: redisUrl, keyPrefix }, {});
  return {
    store,
    cleanup: async () => {
      // take() consumed every key; this only catches leftovers of an interrupted run.
      const client = new Redis(redisUrl, { lazyConnect: true });
      await client.connect();
      let cursor = '0';
      do {
        const [nextCursor, batch] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        cursor = nextCursor;
        if (batch.length > 0) await client.del(...batch);
      } while (cursor !== '0');
      client.disconnect();
    },
  };
}

async function reachable(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function formatStorageBench(rows: StorageBenchRow[]): string {
  const header = ['backend', 'op', 'ops/s', 'vs memory'];
  const body = rows.map((r) => [
    r.backend,
    r.op,
    r.opsPerSec.toLocaleString('en-US'),
    Number.isFinite(r.relativeToMemory) ? `${r.relativeToMemory.toFixed(3)}×` : 'n/a',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i >= 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchStorage();
  process.stdout.write(`${formatStorageBench(rows)}\n`);
}
