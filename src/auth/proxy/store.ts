import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../errors.js';
import { createStore, hashKey, StoreError, type Store, type StorageOptions } from '../../storage/index.js';

/**
 * Every piece of proxy state lives in the Store, so instances sharing a backend act as one
 * server. Secret-keyed collections keep codes and tokens as SHA-256 only (a dump of the store
 * yields no usable credential); encrypted collections keep upstream tokens, client secrets
 * and our keys under AES-256-GCM.
 */
export const C = {
  clients: 'oauthproxy.clients',
  cimd: 'oauthproxy.cimd',
  tx: 'oauthproxy.tx',
  pending: 'oauthproxy.pending',
  csrf: 'oauthproxy.csrf',
  codes: 'oauthproxy.codes',
  usedCodes: 'oauthproxy.usedcodes',
  grants: 'oauthproxy.grants',
  refresh: 'oauthproxy.refresh',
  rotations: 'oauthproxy.rotations',
  consents: 'oauthproxy.consents',
  locks: 'oauthproxy.locks',
  validated: 'oauthproxy.validated',
  keys: 'oauthproxy.keys',
} as const;

/** The security options a store used by the proxy must be opened with. */
export const PROXY_STORE_SECURITY = Object.freeze({
  secretKeyCollections: Object.freeze([C.tx, C.pending, C.csrf, C.codes, C.usedCodes, C.refresh, C.rotations, C.consents, C.validated]),
  encryptedCollections: Object.freeze([C.clients, C.tx, C.grants, C.rotations, C.keys]),
});

/** `options` with the proxy's collections added to any the caller already declared. */
export function withProxySecurity(options: StorageOptions): StorageOptions {
  return {
    ...options,
    secretKeyCollections: [...new Set([...(options.secretKeyCollections ?? []), ...PROXY_STORE_SECURITY.secretKeyCollections])],
    encryptedCollections: [...new Set([...(options.encryptedCollections ?? []), ...PROXY_STORE_SECURITY.encryptedCollections])],
  };
}

/** Opens a store ready for the proxy (createStore with PROXY_STORE_SECURITY merged in). */
export function createProxyStore(options: StorageOptions = {}): ReturnType<typeof createStore> {
  return createStore(withProxySecurity(options));
}

/**
 * Refuses a store that would keep secrets in the clear. Keys: a probe key must be listed as
 * its SHA-256. Values: the store must refuse `increment` on the collection, which it does
 * exactly for encrypted collections. Both checks use only the public Store contract.
 */
export async function assertStoreSecurity(store: Store): Promise<void> {
  const probe = `probe-${randomBytes(8).toString('hex')}`;
  for (const collection of PROXY_STORE_SECURITY.secretKeyCollections) {
    await store.set(collection, probe, 1, { ttlSeconds: 30 });
    const listed = await store.list(collection, hashKey(probe));
    await store.delete(collection, probe);
    if (!listed.includes(hashKey(probe))) {
      throw new ConfigError(
        'storage',
        `collection ${collection} must be secret-keyed: open the store with createProxyStore() or add PROXY_STORE_SECURITY to its options`,
      );
    }
  }
  for (const collection of PROXY_STORE_SECURITY.encryptedCollections) {
    let refused = false;
    try {
      await store.increment(collection, probe, 1, { ttlSeconds: 30 });
    } catch (err) {
      refused = err instanceof StoreError && err.code === 'STORE_INVALID';
    }
    if (!refused) {
      await store.delete(collection, probe);
      throw new ConfigError(
        'storage',
        `collection ${collection} must be encrypted: open the store with createProxyStore() or add PROXY_STORE_SECURITY to its options`,
      );
    }
  }
}
