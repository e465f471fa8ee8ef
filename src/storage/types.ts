/**
 * The state store contract shared by every backend (memory, LMDB file, Redis).
 *
 * Values are JSON. Keys are strings scoped by a collection name. Every method is
 * asynchronous so that callers never depend on which backend is configured.
 */

/** Options for writes that may expire. */
export interface WriteOptions {
  /** Lifetime in seconds (may be fractional). Omitted: the entry never expires. */
  readonly ttlSeconds?: number | undefined;
}

export interface Store {
  /** The stored value, or `undefined` when absent or expired. */
  get<T = unknown>(collection: string, key: string): Promise<T | undefined>;
  /** Stores `value` (JSON), replacing any previous value and its TTL. */
  set(collection: string, key: string, value: unknown, options?: WriteOptions): Promise<void>;
  delete(collection: string, key: string): Promise<void>;
  /**
   * Atomic get-and-delete. Under concurrency, from any number of processes, exactly one
   * caller receives the value; every other caller receives `undefined`. Meant for
   * single-use authorization codes and refresh-token rotation.
   */
  take<T = unknown>(collection: string, key: string): Promise<T | undefined>;
  /**
   * Atomically replaces the value when the stored value equals `expected` (canonical JSON
   * equality: object key order does not matter). `expected === undefined` means
   * "only if absent". The new value gets `options.ttlSeconds` (or no expiry).
   */
  compareAndSet(collection: string, key: string, expected: unknown, next: unknown, options?: WriteOptions): Promise<boolean>;
  /**
   * Atomically adds the integer `by` (may be negative) and returns the new value. A missing
   * key counts as 0; `options.ttlSeconds` applies only when this call creates the key.
   */
  increment(collection: string, key: string, by?: number, options?: WriteOptions): Promise<number>;
  /** Unexpired keys of the collection starting with `prefix`, sorted. Secret-keyed collections list hashes. */
  list(collection: string, prefix?: string): Promise<string[]>;
  /** Releases timers, file handles and connections the store owns. Further calls fail with STORE_CLOSED. */
  close(): Promise<void>;
}

export type StoreErrorCode =
  /** The backend cannot be reached (Redis down, connection lost). Retry later. */
  | 'STORE_UNAVAILABLE'
  /** The backend did not answer in time. The operation may or may not have been applied. */
  | 'STORE_TIMEOUT'
  /** Encrypted data cannot be decrypted with the configured keys (wrong key, or tampering). */
  | 'STORE_BAD_KEY'
  /** Configuration is invalid; the message names the option or environment variable. */
  | 'STORE_CONFIG'
  /** An argument is invalid (collection name, key, TTL, non-JSON value, non-integer counter). */
  | 'STORE_INVALID'
  /** A stored record cannot be parsed. */
  | 'STORE_CORRUPT'
  /** The store was closed. */
  | 'STORE_CLOSED';

/** Every failure of the storage layer. Messages never contain keys' or values' plaintext. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/**
 * What a backend implements: string values, no hashing or encryption (the secure layer in
 * secure.ts does that once for all backends). TTLs are in milliseconds.
 */
export interface RawStore {
  readonly backend: 'memory' | 'file' | 'redis';
  get(collection: string, key: string): Promise<string | undefined>;
  set(collection: string, key: string, value: string, ttlMs?: number): Promise<void>;
  delete(collection: string, key: string): Promise<void>;
  take(collection: string, key: string): Promise<string | undefined>;
  /**
   * Replaces the value when the stored string is exactly `expected` (`undefined`: absent).
   * `next === undefined` deletes instead, which gives compare-and-delete.
   */
  compareAndSet(collection: string, key: string, expected: string | undefined, next: string | undefined, ttlMs?: number): Promise<boolean>;
  /** Integer counter stored as its decimal string (which is also its JSON). */
  increment(collection: string, key: string, by: number, ttlMs?: number): Promise<number>;
  list(collection: string, prefix: string): Promise<string[]>;
  close(): Promise<void>;
}
