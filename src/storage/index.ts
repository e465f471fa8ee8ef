/**
 * mcp-bastion/storage: one Store interface, three backends (memory, LMDB file, Redis), with
 * hashed secret keys and encrypted secret values applied uniformly on top.
 */
import { randomBytes } from 'node:crypto';
import { resolveStorageConfig, type Env, type ResolvedStorageConfig, type StorageConfigInput } from './config.js';
import { KEY_BYTES, Keyring } from './crypto.js';
import { FileRawStore } from './file.js';
import { loadOrCreateKeyFile } from './keyfile.js';
import { MemoryRawStore } from './memory.js';
import { RedisRawStore } from './redis.js';
import { SecureStore } from './secure.js';
import { StoreError, type RawStore } from './types.js';

export { StoreError } from './types.js';
export type { Store, StoreErrorCode, WriteOptions } from './types.js';
export { resolveStorageConfig, DEFAULT_KEY_PREFIX, DEFAULT_STORE_DIR } from './config.js';
export type {
  Env,
  LegacySessionStorage,
  RedisConnection,
  ResolvedStorageConfig,
  StorageConfigInput,
  StorageOptions,
  StorageType,
} from './config.js';
export type { SecurityOptions } from './secure.js';
export { SecureStore } from './secure.js';
export { hashKey, keyId } from './crypto.js';
export { KEY_FILE } from './keyfile.js';

/**
 * Opens a store. `options` may be `StorageOptions`, `{ storage: StorageOptions }`, the legacy
 * `{ oauth: { sessionStorage } }`, or omitted (environment: MCP_BASTION_STORAGE,
 * MCP_BASTION_STORAGE_PATH, REDIS_URL, MCP_BASTION_STORAGE_KEY). Explicit options win over
 * the environment. Rejects with StoreError: STORE_CONFIG (names the option or variable at
 * fault) or STORE_UNAVAILABLE (Redis unreachable, directory unusable).
 */
export async function createStore(options?: StorageConfigInput, env: Env = process.env): Promise<SecureStore> {
  const config = resolveStorageConfig(options, env);
  // Keys first: a configuration error must not leave a connection or file handle open.
  const keyring = await resolveKeyring(config);
  const raw = await openBackend(config);
  try {
    return new SecureStore(raw, keyring, config);
  } catch (err) {
    await raw.close();
    throw err;
  }
}

function openBackend(config: ResolvedStorageConfig): Promise<RawStore> | RawStore {
  switch (config.type) {
    case 'memory':
      return new MemoryRawStore({ sweepIntervalMs: config.sweepIntervalMs });
    case 'file':
      return new FileRawStore({ path: config.path, sweepIntervalMs: config.sweepIntervalMs });
    case 'redis':
      return RedisRawStore.open(config);
  }
}

/**
 * Configured keys win. Without them: the file backend creates or reads `<path>/storage.key`,
 * memory uses a random key that lives as long as the data, and Redis refuses to start.
 */
async function resolveKeyring(config: ResolvedStorageConfig): Promise<Keyring | undefined> {
  if (config.keys.length > 0) return new Keyring(config.keys);
  if (config.encryptedCollections.length === 0) return undefined;
  switch (config.type) {
    case 'memory':
      return new Keyring([randomBytes(KEY_BYTES)]);
    case 'file':
      return new Keyring(await loadOrCreateKeyFile(config.path));
    case 'redis':
      // Shared servers get no implicit key: every instance must be given the same one.
      throw new StoreError(
        'STORE_CONFIG',
        `encryptedCollections (${config.encryptedCollections.join(', ')}) on Redis need a key: set MCP_BASTION_STORAGE_KEY (base64 of 32 random bytes, the same on every instance) or the keys option`,
      );
  }
}

/** A memory store created synchronously (counters and caches that need no persistence). Close it when done. */
export function createMemoryStore(): SecureStore {
  return new SecureStore(new MemoryRawStore({}), undefined);
}
