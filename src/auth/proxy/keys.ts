import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { ConfigError } from '../../errors.js';
import type { Store } from '../../storage/index.js';
import { C } from './store.js';
import { randomToken } from './secrets.js';

export interface ProxyKeys {
  readonly privateKey: CryptoKey | KeyObject | Uint8Array;
  readonly publicJwk: JWK;
  readonly kid: string;
  /** HMAC key for signed cookies, shared by every instance through the store. */
  readonly cookieKey: Buffer;
}

interface StoredSigningKey {
  jwk: JWK;
}

/**
 * Our ES256 signing key and cookie key. Without a configured key, the first instance creates
 * one and stores it encrypted (compareAndSet on absent, so concurrent first starts agree on
 * one key); every other instance and every restart reads the same key.
 */
export async function loadKeys(store: Store, configured: JWK | undefined): Promise<ProxyKeys> {
  let jwk: JWK;
  if (configured !== undefined) {
    if (configured.kty !== 'EC' || configured.crv !== 'P-256' || typeof configured.d !== 'string') {
      throw new ConfigError('signingKey', 'expected a private ES256 JWK (kty EC, crv P-256, with d)');
    }
    jwk = { ...configured, kid: configured.kid ?? randomToken(8) };
  } else {
    const existing = await store.get<StoredSigningKey>(C.keys, 'signing');
    if (existing) jwk = existing.jwk;
    else {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const fresh: StoredSigningKey = { jwk: { ...(await exportJWK(privateKey)), kid: randomToken(8), alg: 'ES256' } };
      if (await store.compareAndSet(C.keys, 'signing', undefined, fresh)) jwk = fresh.jwk;
      else jwk = ((await store.get<StoredSigningKey>(C.keys, 'signing')) as StoredSigningKey).jwk;
    }
  }
  const privateKey = await importJWK({ ...jwk, alg: 'ES256' }, 'ES256');
  const { d: _d, ...publicJwk } = jwk;
  let cookie = await store.get<{ key: string }>(C.keys, 'cookie');
  if (!cookie) {
    const fresh = { key: randomBytes(32).toString('base64') };
    cookie = (await store.compareAndSet(C.keys, 'cookie', undefined, fresh))
      ? fresh
      : ((await store.get<{ key: string }>(C.keys, 'cookie')) as { key: string });
  }
  return {
    privateKey,
    publicJwk: { ...publicJwk, alg: 'ES256', use: 'sig' },
    kid: jwk.kid as string,
    cookieKey: Buffer.from(cookie.key, 'base64'),
  };
}
