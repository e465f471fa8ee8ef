/**
 * Keys for signed manifests. Only two algorithms are accepted, chosen from the key itself, never
 * from a token header: Ed25519 → EdDSA, P-256 → ES256. RSA, other curves and shared secrets are
 * refused, so a verifier can never be talked into HMAC with a public key as the secret.
 */

import { createPrivateKey, createPublicKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, type JWK, type JWTVerifyGetKey } from 'jose';
import { ConfigError } from '../../errors.js';
import { safeFetch, SafeFetchError } from '../../net/safe-fetch.js';

export type ManifestAlgorithm = 'EdDSA' | 'ES256';

/** The allow-list handed to jose on every verification. `none` and HMAC are never in it. */
export const MANIFEST_ALGORITHMS: readonly ManifestAlgorithm[] = ['EdDSA', 'ES256'];

export interface ManifestSigningKey {
  readonly key: KeyObject;
  readonly alg: ManifestAlgorithm;
  /** RFC 7638 thumbprint of the public key, or the JWK's own `kid`. */
  readonly kid: string;
}

/** What verification accepts: a public key (PEM or JWK text, a JWK, a KeyObject), a JWKS, or a key resolver. */
export type ManifestVerifyKey = string | JWK | { keys: JWK[] } | KeyObject | JWTVerifyGetKey;

export function algorithmFor(key: KeyObject, setting: string): ManifestAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new ConfigError(
    setting,
    `manifest keys must be Ed25519 (EdDSA) or P-256 (ES256); got ${key.asymmetricKeyType ?? key.type}${key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''}`,
  );
}

function parseJson(text: string, setting: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError(setting, 'looks like JSON but does not parse');
  }
}

/** A private key as PKCS#8/SEC1 PEM, JWK text or a JWK (as written by `mcp-bastion keygen --alg EdDSA`). */
export async function loadSigningKey(input: string | JWK | KeyObject, setting = 'key'): Promise<ManifestSigningKey> {
  let key: KeyObject;
  let kid: string | undefined;
  try {
    if (input instanceof KeyObject) key = input;
    else {
      const jwk = typeof input === 'string' ? (input.trim().startsWith('{') ? (parseJson(input, setting) as JWK) : undefined) : input;
      if (jwk) kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
      key = jwk ? createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }) : createPrivateKey(input as string);
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(setting, 'not a private key (expected PKCS#8 PEM or a private JWK with "d")');
  }
  if (key.type !== 'private') throw new ConfigError(setting, 'signing needs the private key, not a public one');
  const alg = algorithmFor(key, setting);
  kid ??= await calculateJwkThumbprint(await exportJWK(createPublicKey(key)));
  return { key, alg, kid };
}

/** Reads a key file given on the command line or in config. */
export function readKeyFile(path: string, setting: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(setting, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function isJwks(v: unknown): v is { keys: JWK[] } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { keys?: unknown }).keys);
}

function publicKeyOf(jwk: JWK, setting: string): KeyObject {
  if (jwk.kty === 'oct') throw new ConfigError(setting, 'a shared secret cannot verify manifests; give the publisher public key');
  try {
    return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    throw new ConfigError(setting, 'not a usable public JWK');
  }
}

/**
 * Turns what the caller gave into something jose can verify with. A private key is accepted and
 * reduced to its public half; a JWKS keeps only Ed25519 and P-256 keys (jose then matches `kid`).
 */
export function resolveVerifyKey(input: ManifestVerifyKey, setting = 'key'): KeyObject | JWTVerifyGetKey {
  if (typeof input === 'function') return input;
  if (typeof input === 'string') {
    const text = input.trim();
    if (text.startsWith('{')) return resolveVerifyKey(parseJson(text, setting) as JWK, setting);
    let key: KeyObject;
    try {
      key = createPublicKey(text);
    } catch {
      throw new ConfigError(setting, 'not a public key (expected SPKI PEM, a JWK or a JWKS)');
    }
    algorithmFor(key, setting);
    return key;
  }
  if (input instanceof KeyObject) {
    const key = input;
    if (key.type === 'secret') throw new ConfigError(setting, 'a shared secret cannot verify manifests; give the publisher public key');
    const pub = key.type === 'private' ? createPublicKey(key) : key;
    algorithmFor(pub, setting);
    return pub;
  }
  if (isJwks(input)) {
    const usable = input.keys.filter((k) => (k.kty === 'OKP' && k.crv === 'Ed25519') || (k.kty === 'EC' && k.crv === 'P-256'));
    if (usable.length === 0) throw new ConfigError(setting, 'the JWKS has no Ed25519 or P-256 key');
    // Strip private parts a careless publisher may have left in: we only ever verify.
    return createLocalJWKSet({ keys: usable.map(({ d: _d, ...pub }) => pub) });
  }
  const key = publicKeyOf(input as JWK, setting);
  algorithmFor(key, setting);
  return key;
}

export interface FetchJwksOptions {
  /** Development and tests: allow http://127.0.0.1 and other loopback URLs. */
  readonly allowInsecureLoopback?: boolean;
  readonly timeoutMs?: number;
}

/** A publisher's JWKS, fetched through the SSRF-safe fetch (https only, no private addresses, no redirects, size cap). */
export async function fetchJwks(url: string, opts: FetchJwksOptions = {}, setting = 'jwks'): Promise<JWTVerifyGetKey> {
  let res;
  try {
    res = await safeFetch(url, { allowLoopback: opts.allowInsecureLoopback === true, timeoutMs: opts.timeoutMs ?? 5_000 });
  } catch (e) {
    if (e instanceof SafeFetchError) throw new ConfigError(setting, `cannot fetch ${url}: ${e.message}`);
    throw e;
  }
  if (res.status !== 200) throw new ConfigError(setting, `cannot fetch ${url}: HTTP ${res.status}`);
  const doc = parseJson(res.body, setting);
  if (!isJwks(doc)) throw new ConfigError(setting, `${url} is not a JWKS (no "keys" array)`);
  return resolveVerifyKey(doc, setting) as JWTVerifyGetKey;
}
