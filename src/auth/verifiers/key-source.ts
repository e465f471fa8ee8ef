import { createPublicKey, type KeyObject } from 'node:crypto';
import { importJWK, importSPKI, importX509 } from 'jose';
import type { FlattenedJWSInput, JWK, JWSHeaderParameters } from 'jose';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, algorithmsForKey, resolveAlgorithms, type KeyFamily } from './algorithms.js';
import { ConfigError } from '../../errors.js';
import type { JwksCache } from './jwks.js';

export type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey | Uint8Array>;

export interface KeySource {
  readonly kind: 'hmac' | 'asymmetric';
  readonly algorithms: readonly string[];
  readonly resolve: KeyResolver;
}

/** Key material for HMAC: the secret as bytes, checked against every configured algorithm's minimum. */
export function hmacKeySource(secret: string | Uint8Array, configured: readonly string[] | undefined): KeySource {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret);
  const algorithms = resolveAlgorithms('hmac', configured, Object.keys(HMAC_ALGORITHMS));
  for (const alg of algorithms) {
    const min = HMAC_ALGORITHMS[alg] ?? 32;
    if (bytes.byteLength < min) {
      // A short secret can be brute-forced offline from a single token.
      throw new ConfigError('secret', `secret must be at least ${min} bytes for ${alg} (got ${bytes.byteLength})`);
    }
  }
  return { kind: 'hmac', algorithms, resolve: () => Promise.resolve(bytes) };
}

/** A JWKS: keys come from the cache; the allow-list alone limits algorithms (jose matches kty/alg per key). */
export function jwksKeySource(cache: JwksCache, configured: readonly string[] | undefined): KeySource {
  const algorithms = resolveAlgorithms('asymmetric', configured, ASYMMETRIC_ALGORITHMS);
  return { kind: 'asymmetric', algorithms, resolve: cache.getKey };
}

/** A single public key given as PEM (SPKI, PKCS#1 or X.509 certificate) or JWK (object or JSON text). */
export function publicKeySource(publicKey: string | JWK, configured: readonly string[] | undefined): KeySource {
  const parsed = parsePublicKey(publicKey);
  // A JWK that pins "alg" narrows the list; it can never widen it (an RSA JWK claiming HS256 is refused).
  const compatible = algorithmsForKey(parsed.family, parsed.curve).filter((a) => parsed.alg === undefined || a === parsed.alg);
  if (compatible.length === 0) throw new ConfigError('publicKey', 'publicKey uses a curve, key type or "alg" that is not supported');
  const algorithms = resolveAlgorithms('asymmetric', configured, compatible);
  // WebCrypto binds a key to one algorithm, so import once per algorithm on demand.
  // jose checks the allow-list before it asks for the key, so `alg` here is allowed.
  const imported = new Map<string, Promise<CryptoKey>>();
  const resolve: KeyResolver = (header) => {
    const alg = header.alg ?? '';
    let key = imported.get(alg);
    if (key === undefined) {
      key = parsed.importFor(alg);
      imported.set(alg, key);
    }
    return key;
  };
  return { kind: 'asymmetric', algorithms, resolve };
}

interface ParsedPublicKey {
  readonly family: KeyFamily;
  readonly curve?: string | undefined;
  /** Set when the JWK pins its algorithm. */
  readonly alg?: string | undefined;
  importFor(alg: string): Promise<CryptoKey>;
}

function parsePublicKey(input: string | JWK): ParsedPublicKey {
  if (typeof input === 'string') {
    const text = input.trim();
    if (text.startsWith('{')) {
      let jwk: JWK;
      try {
        jwk = JSON.parse(text) as JWK;
      } catch (cause) {
        throw new ConfigError('publicKey', 'publicKey looks like JSON but does not parse as a JWK', { cause });
      }
      return parseJwk(jwk);
    }
    return parsePem(text);
  }
  return parseJwk(input);
}

function parsePem(pem: string): ParsedPublicKey {
  if (/PRIVATE KEY-----/.test(pem)) {
    throw new ConfigError('publicKey', 'publicKey contains a PRIVATE key; give the verifier only the public key');
  }
  if (!pem.startsWith('-----BEGIN '))
    throw new ConfigError('publicKey', 'publicKey must be a PEM public key, an X.509 certificate or a JWK');
  const isCert = pem.startsWith('-----BEGIN CERTIFICATE-----');
  let keyObject: KeyObject;
  try {
    keyObject = isCert ? createPublicKey({ key: pem, format: 'pem' }) : createPublicKey(pem);
  } catch (cause) {
    throw new ConfigError('publicKey', 'publicKey could not be parsed as a PEM public key', { cause });
  }
  const { family, curve } = familyOf(keyObject);
  // PKCS#1 ("BEGIN RSA PUBLIC KEY") is re-encoded as SPKI, which jose imports.
  const spki = isCert ? undefined : keyObject.export({ type: 'spki', format: 'pem' }).toString();
  return {
    family,
    curve,
    importFor: (alg) => (spki === undefined ? importX509(pem, alg) : importSPKI(spki, alg)),
  };
}

function familyOf(key: KeyObject): { family: KeyFamily; curve?: string } {
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      requireRsaBits(key.asymmetricKeyDetails?.modulusLength ?? 0);
      return { family: key.asymmetricKeyType };
    case 'ec':
      return { family: 'ec', curve: key.asymmetricKeyDetails?.namedCurve };
    case 'ed25519':
      return { family: 'okp', curve: 'Ed25519' };
    default:
      throw new ConfigError('publicKey', `publicKey type ${key.asymmetricKeyType ?? 'unknown'} is not supported`);
  }
}

function parseJwk(jwk: JWK): ParsedPublicKey {
  if (typeof jwk !== 'object' || jwk === null) throw new ConfigError('publicKey', 'publicKey JWK must be an object');
  if (jwk.kty === 'oct') throw new ConfigError('publicKey', 'publicKey is a symmetric (oct) JWK; use secret for HMAC keys');
  if (jwk.d !== undefined)
    throw new ConfigError('publicKey', 'publicKey JWK contains private key material ("d"); give the verifier only the public key');
  let family: KeyFamily;
  if (jwk.kty === 'RSA') {
    family = 'rsa';
    requireRsaBits(typeof jwk.n === 'string' ? Buffer.from(jwk.n, 'base64url').byteLength * 8 : 0);
  } else if (jwk.kty === 'EC') family = 'ec';
  else if (jwk.kty === 'OKP') family = 'okp';
  else throw new ConfigError('publicKey', `publicKey JWK kty ${String(jwk.kty)} is not supported`);
  const { d: _d, ...publicOnly } = jwk;
  return {
    family,
    curve: jwk.crv,
    alg: jwk.alg,
    importFor: async (alg) => {
      const key = await importJWK({ ...publicOnly, alg }, alg);
      if (key instanceof Uint8Array) throw new ConfigError('publicKey', 'publicKey JWK imported as a symmetric key');
      return key;
    },
  };
}

/** jose refuses RSA keys under 2048 bits at verification time; say so at startup instead of failing every token. */
function requireRsaBits(bits: number): void {
  if (bits < 2048) throw new ConfigError('publicKey', `publicKey is a ${bits}-bit RSA key; at least 2048 bits are required`);
}
