import { checkCounterResult, parseCounter } from './validate.js';
import type { RawStore } from './types.js';
import { StoreError } from './types.js';

interface Entry {
  v: string;
  /** Expiry in epoch milliseconds; undefined: never. */
  exp: number | undefined;
}

export interface MemoryStoreOptions {
  /** How often expired entries are purged in the background. Default 60 s. */
  readonly sweepIntervalMs?: number | undefined;
}

/**
 * In-process backend: one Map per collection. Every operation runs synchronously inside a
 * single turn of the event loop, which is what makes take/compareAndSet/increment atomic.
 */
export class MemoryRawStore implements RawStore {
  readonly backend = 'memory' as const;
  private readonly data = new Map<string, Map<string, Entry>>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    // The sweep is housekeeping only; it must never keep a process alive.
    this.sweeper.unref();
  }

  async get(collection: string, key: string): Promise<string | undefined> {
    return this.live(collection, key)?.v;
  }

  async set(collection: string, key: string, value: string, ttlMs?: number): Promise<void> {
    this.put(collection, key, value, ttlMs);
  }

  async delete(collection: string, key: string): Promise<void> {
    this.open();
    this.data.get(collection)?.delete(key);
  }

  async take(collection: string, key: string): Promise<string | undefined> {
    const entry = this.live(collection, key);
    if (entry) this.data.get(collection)?.delete(key);
    return entry?.v;
  }

  async compareAndSet(
    collection: string,
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs?: number,
  ): Promise<boolean> {
    const current = this.live(collection, key);
    if (current?.v !== expected) return false;
    if (next === undefined) this.data.get(collection)?.delete(key);
    else this.put(collection, key, next, ttlMs);
    return true;
  }

  async increment(collection: string, key: string, by: number, ttlMs?: number): Promise<number> {
    const current = this.live(collection, key);
    if (current) {
      const n = checkCounterResult(parseCounter(current.v) + by);
      current.v = String(n); // keeps the expiry set at creation
      return n;
    }
    const n = checkCounterResult(by);
    this.put(collection, key, String(n), ttlMs);
    return n;
  }

  async list(collection: string, prefix: string): Promise<string[]> {
    this.open();
    const now = Date.now();
    const keys: string[] = [];
    for (const [k, e] of this.data.get(collection) ?? []) {
      if (k.startsWith(prefix) && (e.exp === undefined || e.exp > now)) keys.push(k);
    }
    return keys.sort();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    this.data.clear();
  }

  private open(): void {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'store is closed');
  }

  private put(collection: string, key: string, v: string, ttlMs: number | undefined): void {
    this.open();
    let c = this.data.get(collection);
    if (!c) this.data.set(collection, (c = new Map()));
    c.set(key, { v, exp: ttlMs === undefined ? undefined : Date.now() + ttlMs });
  }

  /** The entry if present and unexpired; expired entries are dropped on the way (lazy expiry). */
  private live(collection: string, key: string): Entry | undefined {
    this.open();
    const c = this.data.get(collection);
    const e = c?.get(key);
    if (!e) return undefined;
    if (e.exp !== undefined && e.exp <= Date.now()) {
      c?.delete(key);
      return undefined;
    }
    return e;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [name, c] of this.data) {
      for (const [k, e] of c) if (e.exp !== undefined && e.exp <= now) c.delete(k);
      if (c.size === 0) this.data.delete(name);
    }
  }
}
