/**
 * Redis backend specifics: faults against a throwaway redis-server (never the shared one),
 * connection handling, caller-owned clients, key prefix isolation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, StoreError, type SecureStore } from '../../src/storage/index.js';
import { deleteRedisPrefix, REDIS_URL, sleep } from './helpers.js';

async function rejection(p: Promise<unknown>): Promise<StoreError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

/** A port in 20000-40000 that nothing listens on right now. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer().once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** Starts redis-server on `port` and resolves once it answers PING. */
async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
    stdio: 'ignore',
  });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined); // refusals while the server boots are expected
  try {
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        await probe.ping();
        return proc;
      } catch {
        probe.disconnect();
        await sleep(50);
      }
    }
  } finally {
    probe.disconnect();
  }
  proc.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}`);
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('redis store faults (throwaway server)', () => {
  it('fails fast with a typed error when Redis dies or hangs mid-operation, and recovers when it returns', async () => {
    const port = await freePort();
    let server = await startRedis(port);
    cleanups.push(() => stop(server));
    const store: SecureStore = await createStore({ type: 'redis', url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 500 }, {});
    cleanups.push(() => store.close());
    await store.set('faults', 'k', 1);
    expect(await store.get('faults', 'k')).toBe(1);

    // Hung server (stopped, socket still open): the command timeout answers.
    server.kill('SIGSTOP');
    const hung = store.take('faults', 'k');
    expect((await rejection(hung)).code).toBe('STORE_TIMEOUT');

    // Killed while a command is in flight: rejected, not retried later.
    const inFlight = rejection(store.set('faults', 'lost', 2)); // handler attached now: it rejects during stop()
    await sleep(50);
    await stop(server);
    expect(['STORE_UNAVAILABLE', 'STORE_TIMEOUT']).toContain((await inFlight).code);

    // While down: immediate, typed failures.
    expect((await rejection(store.get('faults', 'k'))).code).toBe('STORE_UNAVAILABLE');
    expect((await rejection(store.increment('faults', 'n', 1))).code).toBe('STORE_UNAVAILABLE');

    // Back on the same port: ioredis reconnects by itself.
    server = await startRedis(port);
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      recovered = await store.set('faults', 'k', 3).then(
        () => true,
        () => false,
      );
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
    expect(await store.take('faults', 'k')).toBe(3);
    expect(await store.get('faults', 'lost')).toBeUndefined(); // the failed write was not replayed on reconnect
    expect(await store.increment('faults', 'n', 2)).toBe(2);
    expect(await store.list('faults')).toEqual(['n']);
  });

  it('rejects createStore with STORE_UNAVAILABLE when nothing listens, naming the URL without its password', async () => {
    const port = await freePort();
    const err = await rejection(createStore({ type: 'redis', url: `redis://:hunter2@127.0.0.1:${port}`, connectTimeoutMs: 500 }, {}));
    expect(err.code).toBe('STORE_UNAVAILABLE');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).not.toContain('hunter2');
  });
});

describe('redis store connections', () => {
  it('uses a caller-owned client and leaves it open on close()', async () => {
    const client = new Redis(REDIS_URL);
    cleanups.push(async () => void client.disconnect());
    const keyPrefix = `mcp-bastion-test:${randomBytes(4).toString('hex')}:`;
    cleanups.push(() => deleteRedisPrefix(keyPrefix));
    const store = await createStore({ type: 'redis', redis: client, keyPrefix }, {});
    await store.set('c', 'k', { ok: true });
    expect(await client.get(`${keyPrefix}c:k`)).toBe('{"ok":true}');
    await store.close();
    expect(await client.ping()).toBe('PONG');
  });

  it('accepts ioredis options, adopting their keyPrefix as the store prefix', async () => {
    const url = new URL(REDIS_URL);
    const keyPrefix = `mcp-bastion-test:${randomBytes(4).toString('hex')}:`;
    cleanups.push(() => deleteRedisPrefix(keyPrefix));
    const store = await createStore({ type: 'redis', redis: { host: url.hostname, port: Number(url.port || 6379), keyPrefix } }, {});
    await store.set('c', 'k1', 1);
    expect(await store.list('c')).toEqual(['k1']);
    await store.close();
    const raw = new Redis(REDIS_URL);
    expect(await raw.get(`${keyPrefix}c:k1`)).toBe('1');
    raw.disconnect();
  });

  it('refuses a client whose ioredis keyPrefix would break SCAN', async () => {
    const client = new Redis(REDIS_URL, { keyPrefix: 'x:', lazyConnect: true });
    const err = await rejection(createStore({ type: 'redis', redis: client }, {}));
    expect(err.code).toBe('STORE_CONFIG');
    client.disconnect();
  });

  it('keeps stores with look-alike prefixes apart (the prefix is escaped before SCAN MATCH)', async () => {
    const id = randomBytes(4).toString('hex');
    const globby = `t-${id}[1]:`;
    const literal = `t-${id}1:`;
    cleanups.push(
      () => deleteRedisPrefix(globby),
      () => deleteRedisPrefix(literal),
    );
    const a = await createStore({ type: 'redis', url: REDIS_URL, keyPrefix: globby }, {});
    const b = await createStore({ type: 'redis', url: REDIS_URL, keyPrefix: literal }, {});
    await a.set('c', 'from-a', 1);
    await b.set('c', 'from-b', 1);
    expect(await a.list('c')).toEqual(['from-a']);
    expect(await b.list('c')).toEqual(['from-b']);
    await a.close();
    await b.close();
  });
});
