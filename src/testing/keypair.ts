import { calculateJwkThumbprint, exportJWK, exportSPKI, generateKeyPair as joseGenerateKeyPair, importJWK } from 'jose';
import type { JWK } from 'jose';

/** A signing key pair for tests and local development. */
export interface TestKeyPair {
  readonly alg: string;
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** Public JWK with `kid`, `alg` and `use: 'sig'`. */
  readonly publicJwk: JWK;
  /** Private JWK (contains `d`). Keep it out of logs and repositories. */
  readonly privateJwk: JWK;
  /** SPKI PEM of the public key. */
  readonly publicPem: string;
}

/** Generates an asymmetric key pair (RS256 by default; ES256, PS256, EdDSA... work too). */
export async function generateKeyPair(alg = 'RS256'): Promise<TestKeyPair> {
  const { privateKey, publicKey } = await joseGenerateKeyPair(alg, { extractable: true });
  return keyPairFromKeys(alg, privateKey, publicKey);
}

/** Rebuilds a key pair from its private JWK (as written by `writeKeyPair`). */
export async function keyPairFromPrivateJwk(privateJwk: JWK): Promise<TestKeyPair> {
  const alg = privateJwk.alg;
  if (alg === undefined) throw new Error('private JWK has no "alg"');
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, alg, { extractable: true });
  const publicKey = await importJWK({ ...publicJwk, key_ops: undefined }, alg, { extractable: true });
  if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) throw new Error('expected an asymmetric key');
  return keyPairFromKeys(alg, privateKey, publicKey);
}

async function keyPairFromKeys(alg: string, privateKey: CryptoKey, publicKey: CryptoKey): Promise<TestKeyPair> {
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const publicJwk: JWK = { ...pub, kid, alg, use: 'sig' };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  const publicPem = await exportSPKI(publicKey);
  return Object.freeze({ alg, kid, privateKey, publicKey, publicJwk, privateJwk, publicPem });
}
