import { createHash } from 'node:crypto';
import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import type { RedisConnection } from './config.js';
import type { RawStore } from './types.js';
import { StoreError } from './types.js';
import { checkCounterResult } from './validate.js';

export interface RedisStoreOptions {
  readonly url?: string | undefined;
  readonly redis?: RedisConnection | undefined;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

type Client = Redis | Cluster;

interface Script {
  readonly src: string;
  readonly sha: string;
}

function script(src: string): Script {
  // SHA-1 here is Redis's script identifier for EVALSHA, not a security primitive.
  return { src, sha: createHash('sha1').update(src).digest('hex') };
}

/** GET + DEL in one script: Redis runs scripts atomically, so exactly one caller gets the value. */
const TAKE = script(`local v = redis.call('GET', KEYS[1])
if v then redis.call('DEL', KEYS[1]) end
return v`);

/** ARGV: hasExpected ('0'|'1'), expected, hasNext ('0'|'1'), next, ttlMs ('0': none). */
const CAS = script(`local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if cur then return 0 end
elseif cur ~= ARGV[2] then
  return 0
end
if ARGV[3] == '0' then
  redis.call('DEL', KEYS[1])
elseif ARGV[5] ~= '0' then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('SET', KEYS[1], ARGV[4])
end
return 1`);

/** INCRBY, and the TTL only when this call created the key (EXISTS first: works before Redis 7's EXPIRE NX). */
const INCR = script(`local existed = redis.call('EXISTS', KEYS[1])
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 and ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return n`);

/**
 * Redis backend. Atomic operations run on the server (Lua). Client options make faults
 * fail fast instead of hanging: no offline queue, no retry of in-flight commands (a timed-out
 * `take` must not run later), a command timeout; ioredis keeps reconnecting in the background.
 */
export class RedisRawStore implements RawStore {
  readonly backend = 'redis' as const;
  private closed = false;

  private constructor(
    private readonly client: Client,
    private readonly owned: boolean,
    private readonly prefix: string,
  ) {}

  static async open(options: RedisStoreOptions): Promise<RedisRawStore> {
    const { client, owned, prefix } = buildClient(options);
    const store = new RedisRawStore(client, owned, prefix);
    await store.connect(options.connectTimeoutMs, options.url);
    return store;
  }

  async get(collection: string, key: string): Promise<string | undefined> {
    const v = await this.run(() => this.client.get(this.k(collection, key)));
    return v ?? undefined;
  }

  async set(collection: string, key: string, value: string, ttlMs?: number): Promise<void> {
    const k = this.k(collection, key);
    await this.run(() => (ttlMs === undefined ? this.client.set(k, value) : this.client.set(k, value, 'PX', ttlMs)));
  }

  async delete(collection: string, key: string): Promise<void> {
    await this.run(() => this.client.del(this.k(collection, key)));
  }

  async take(collection: string, key: string): Promise<string | undefined> {
    const v = await this.eval(TAKE, this.k(collection, key), []);
    return typeof v === 'string' ? v : undefined;
  }

  async compareAndSet(
    collection: string,
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs?: number,
  ): Promise<boolean> {
    const args = [expected === undefined ? '0' : '1', expected ?? '', next === undefined ? '0' : '1', next ?? '', String(ttlMs ?? 0)];
    return (await this.eval(CAS, this.k(collection, key), args)) === 1;
  }

  async increment(collection: string, key: string, by: number, ttlMs?: number): Promise<number> {
    const n = await this.eval(INCR, this.k(collection, key), [String(by), String(ttlMs ?? 0)]);
    return checkCounterResult(Number(n));
  }

  async list(collection: string, prefix: string): Promise<string[]> {
    const head = `${this.prefix}${collection}:`;
    // MATCH is a glob: escape the literal part so a '*' or '[' in a prefix matches only itself.
    const pattern = `${escapeGlob(head + prefix)}*`;
    const nodes: Redis[] = isCluster(this.client) ? this.client.nodes('master') : [this.client];
    const keys = new Set<string>();
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [nextCursor, batch] = await this.run(() => node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000));
        cursor = nextCursor;
        for (const k of batch) keys.add(k.slice(head.length));
      } while (cursor !== '0');
    }
    return [...keys].sort();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.owned) return; // a client the caller passed in stays theirs to close
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private k(collection: string, key: string): string {
    return `${this.prefix}${collection}:${key}`;
  }

  private async connect(timeoutMs: number, url: string | undefined): Promise<void> {
    const c = this.client;
    if (c.status === 'ready') return;
    let lastError: Error | undefined;
    const onError = (err: Error): void => {
      lastError = err;
    };
    c.on('error', onError);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(lastError?.message ?? 'no answer')), timeoutMs);
        c.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
        if (c.status === 'wait') c.connect().catch(() => undefined);
      });
    } catch (err) {
      if (this.owned) c.disconnect();
      const where = url === undefined ? 'Redis' : `Redis at ${redactUrl(url)}`;
      throw new StoreError('STORE_UNAVAILABLE', `cannot connect to ${where} within ${timeoutMs} ms: ${(err as Error).message}`, {
        cause: err,
      });
    } finally {
      if (!this.owned) c.off('error', onError);
    }
    // Owned clients keep a listener: ioredis reports reconnection errors as 'error' events, and the
    // failures callers care about already surface as StoreError from the operation itself.
  }

  private async eval(s: Script, key: string, args: string[]): Promise<unknown> {
    return this.run(async () => {
      try {
        return await this.client.evalsha(s.sha, 1, key, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return this.client.eval(s.src, 1, key, ...args);
      }
    });
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'store is closed');
    try {
      return await op();
    } catch (err) {
      throw toStoreError(err);
    }
  }
}

function buildClient(options: RedisStoreOptions): { client: Client; owned: boolean; prefix: string } {
  const faultOptions: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
  };
  const r = options.redis;
  if (r === undefined) {
    if (options.url === undefined) throw new StoreError('STORE_CONFIG', 'redis: no URL or client options');
    return { client: new Redis(options.url, faultOptions), owned: true, prefix: options.keyPrefix };
  }
  if (isClient(r)) {
    if (r.options.keyPrefix) {
      throw new StoreError(
        'STORE_CONFIG',
        'redis: the client has ioredis keyPrefix set, which SCAN ignores; set the storage keyPrefix option instead',
      );
    }
    return { client: r, owned: false, prefix: options.keyPrefix };
  }
  // ioredis's own keyPrefix would not apply to SCAN patterns: adopt it as ours instead.
  const { keyPrefix, ...rest } = r;
  return { client: new Redis({ ...faultOptions, ...rest, lazyConnect: true }), owned: true, prefix: keyPrefix ?? options.keyPrefix };
}

function isClient(value: RedisConnection): value is Client {
  return typeof (value as Partial<Client>).sendCommand === 'function' && typeof (value as Partial<Client>).status === 'string';
}

function isCluster(client: Client): client is Cluster {
  return typeof (client as Partial<Cluster>).nodes === 'function';
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured URL';
  }
}

/** Maps ioredis failures onto the store's codes; reply errors about data types are the caller's. */
export function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const msg = e.message;
  if (/timed out/i.test(msg)) return new StoreError('STORE_TIMEOUT', `Redis did not answer in time: ${msg}`, { cause: e });
  if (/not an integer|out of range|WRONGTYPE/.test(msg))
    return new StoreError('STORE_INVALID', `Redis refused the operation: ${msg}`, { cause: e });
  return new StoreError('STORE_UNAVAILABLE', `Redis unavailable: ${msg}`, { cause: e });
}
