import { hashKey, type Keyring } from './crypto.js';
import type { RawStore, Store, WriteOptions } from './types.js';
import { StoreError } from './types.js';
import { canonicalJson, checkCollection, checkIncrement, checkKey, checkPrefix, parseJson, ttlToMs } from './validate.js';

export interface SecurityOptions {
  /** Collections whose keys are secrets (codes, tokens): stored and listed as SHA-256 hex only. */
  readonly secretKeyCollections?: readonly string[] | undefined;
  /** Collections whose values are secrets: AES-256-GCM encrypted at rest. */
  readonly encryptedCollections?: readonly string[] | undefined;
}

/** Bound on optimistic retries when another writer keeps changing an encrypted record. */
const MAX_RETRIES = 100;

/**
 * The public Store over any backend: validates arguments, stores canonical JSON, hashes
 * secret keys and encrypts secret values. Written once so the three backends cannot differ.
 */
export class SecureStore implements Store {
  private readonly secretKeys: ReadonlySet<string>;
  private readonly encrypted: ReadonlySet<string>;

  constructor(
    private readonly raw: RawStore,
    private readonly keyring: Keyring | undefined,
    options: SecurityOptions = {},
  ) {
    this.secretKeys = new Set(options.secretKeyCollections ?? []);
    this.encrypted = new Set(options.encryptedCollections ?? []);
    for (const c of [...this.secretKeys, ...this.encrypted]) checkCollection(c);
    if (this.encrypted.size > 0 && !keyring) {
      throw new StoreError(
        'STORE_CONFIG',
        `encryptedCollections (${[...this.encrypted].join(', ')}) need a key: set MCP_BASTION_STORAGE_KEY or the keys option`,
      );
    }
  }

  /** The declared secret-keyed and encrypted collections, for start-up checks that must not guess. */
  get security(): { readonly secretKeyCollections: readonly string[]; readonly encryptedCollections: readonly string[] } {
    return { secretKeyCollections: [...this.secretKeys], encryptedCollections: [...this.encrypted] };
  }

  /** Which backend is underneath ('memory' | 'file' | 'redis'), for logs and diagnostics. */
  get backend(): RawStore['backend'] {
    return this.raw.backend;
  }

  async get<T = unknown>(collection: string, key: string): Promise<T | undefined> {
    const k = this.storedKey(collection, key);
    const raw = await this.raw.get(collection, k);
    return raw === undefined ? undefined : (this.decode(collection, k, raw) as T);
  }

  async set(collection: string, key: string, value: unknown, options: WriteOptions = {}): Promise<void> {
    const k = this.storedKey(collection, key);
    const ttl = ttlToMs(options.ttlSeconds);
    await this.raw.set(collection, k, this.encode(collection, k, value), ttl);
  }

  async delete(collection: string, key: string): Promise<void> {
    await this.raw.delete(collection, this.storedKey(collection, key));
  }

  async take<T = unknown>(collection: string, key: string): Promise<T | undefined> {
    const k = this.storedKey(collection, key);
    if (!this.encrypted.has(collection)) {
      const raw = await this.raw.take(collection, k);
      return raw === undefined ? undefined : (parseJson(raw) as T);
    }
    // Decrypt before deleting: a wrong key must fail loudly and leave the record in place.
    // Compare-and-delete on the exact ciphertext keeps "exactly one taker wins".
    for (let i = 0; i < MAX_RETRIES; i++) {
      const raw = await this.raw.get(collection, k);
      if (raw === undefined) return undefined;
      const value = this.decode(collection, k, raw) as T;
      if (await this.raw.compareAndSet(collection, k, raw, undefined)) return value;
    }
    throw new StoreError('STORE_TIMEOUT', 'take: record kept changing under concurrent writers');
  }

  async compareAndSet(collection: string, key: string, expected: unknown, next: unknown, options: WriteOptions = {}): Promise<boolean> {
    const k = this.storedKey(collection, key);
    const ttl = ttlToMs(options.ttlSeconds);
    const nextJson = canonicalJson(next, 'next');
    const expectedJson = expected === undefined ? undefined : canonicalJson(expected, 'expected');
    if (!this.encrypted.has(collection)) {
      // Every backend stores canonical JSON, so string equality is JSON equality.
      return this.raw.compareAndSet(collection, k, expectedJson, nextJson, ttl);
    }
    const nextRaw = this.keyringOrThrow().encrypt(nextJson, aad(collection, k));
    if (expectedJson === undefined) return this.raw.compareAndSet(collection, k, undefined, nextRaw, ttl);
    // Ciphertexts differ on every write (random IV): compare plaintexts, then swap on the exact
    // ciphertext we compared. Losing that swap means a concurrent write: look again.
    for (let i = 0; i < MAX_RETRIES; i++) {
      const raw = await this.raw.get(collection, k);
      if (raw === undefined) return false;
      if (canonicalJson(this.decode(collection, k, raw)) !== expectedJson) return false;
      if (await this.raw.compareAndSet(collection, k, raw, nextRaw, ttl)) return true;
    }
    throw new StoreError('STORE_TIMEOUT', 'compareAndSet: record kept changing under concurrent writers');
  }

  async increment(collection: string, key: string, by = 1, options: WriteOptions = {}): Promise<number> {
    const k = this.storedKey(collection, key);
    checkIncrement(by);
    const ttl = ttlToMs(options.ttlSeconds);
    if (this.encrypted.has(collection)) {
      // Counters are not secrets, and the backends' native atomic increments need plaintext.
      throw new StoreError('STORE_INVALID', `increment: collection '${collection}' is encrypted; keep counters in a plain collection`);
    }
    return this.raw.increment(collection, k, by, ttl);
  }

  async list(collection: string, prefix = ''): Promise<string[]> {
    checkCollection(collection);
    checkPrefix(prefix);
    return this.raw.list(collection, prefix);
  }

  async close(): Promise<void> {
    await this.raw.close();
  }

  private storedKey(collection: string, key: string): string {
    checkCollection(collection);
    if (this.secretKeys.has(collection)) {
      if (typeof key !== 'string' || key.length === 0) throw new StoreError('STORE_INVALID', 'key: expected a non-empty string');
      return hashKey(key);
    }
    checkKey(key);
    return key;
  }

  private encode(collection: string, storedKey: string, value: unknown): string {
    const json = canonicalJson(value);
    return this.encrypted.has(collection) ? this.keyringOrThrow().encrypt(json, aad(collection, storedKey)) : json;
  }

  private decode(collection: string, storedKey: string, raw: string): unknown {
    return parseJson(this.encrypted.has(collection) ? this.keyringOrThrow().decrypt(raw, aad(collection, storedKey)) : raw);
  }

  private keyringOrThrow(): Keyring {
    if (!this.keyring) throw new StoreError('STORE_CONFIG', 'no encryption key: set MCP_BASTION_STORAGE_KEY');
    return this.keyring;
  }
}

/** Additional authenticated data: the record's identity, versioned. */
function aad(collection: string, storedKey: string): string {
  return `mcp-bastion/v1\u0000${collection}\u0000${storedKey}`;
}
