import { ConfigError } from '../../errors.js';

/** HMAC algorithms and the minimum secret length (the digest size, RFC 7518 §3.2). */
export const HMAC_ALGORITHMS: Readonly<Record<string, number>> = Object.freeze({ HS256: 32, HS384: 48, HS512: 64 });

/** Asymmetric algorithms by key family. */
const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
const RSA_PSS = ['PS256', 'PS384', 'PS512'] as const;
const EDDSA = ['EdDSA', 'Ed25519'] as const;
const EC_BY_CURVE: Readonly<Record<string, string>> = Object.freeze({
  'P-256': 'ES256',
  prime256v1: 'ES256',
  'P-384': 'ES384',
  secp384r1: 'ES384',
  'P-521': 'ES512',
  secp521r1: 'ES512',
});

export const ASYMMETRIC_ALGORITHMS: readonly string[] = Object.freeze([...RSA, 'ES256', 'ES384', 'ES512', ...EDDSA]);

export type KeyFamily = 'rsa' | 'rsa-pss' | 'ec' | 'okp';

/** Algorithms a public key of this family (and curve) can verify. */
export function algorithmsForKey(family: KeyFamily, curve?: string): string[] {
  switch (family) {
    case 'rsa':
      return [...RSA];
    case 'rsa-pss':
      return [...RSA_PSS];
    case 'ec': {
      const alg = curve === undefined ? undefined : EC_BY_CURVE[curve];
      return alg === undefined ? [] : [alg];
    }
    case 'okp':
      return curve === undefined || curve === 'Ed25519' ? [...EDDSA] : [];
  }
}

/**
 * Resolves the allow-list. `none` is never allowed; HMAC and asymmetric
 * algorithms never mix, because a verifier that accepts both can be fooled
 * into using a public key as an HMAC secret (the classic RS256→HS256 swap).
 */
export function resolveAlgorithms(
  kind: 'hmac' | 'asymmetric',
  configured: readonly string[] | undefined,
  compatible: readonly string[],
): string[] {
  if (configured === undefined) {
    return kind === 'hmac' ? ['HS256'] : [...compatible];
  }
  if (configured.length === 0) throw new ConfigError('algorithms', 'algorithms must not be empty');
  for (const alg of configured) {
    if (alg.toLowerCase() === 'none')
      throw new ConfigError('algorithms', 'algorithms must not contain "none": unsigned tokens are never accepted');
    const isHmac = alg in HMAC_ALGORITHMS;
    if (kind === 'asymmetric' && isHmac) {
      throw new ConfigError(
        'algorithms',
        `algorithms: ${alg} is an HMAC algorithm and cannot be used with a public key or JWKS (use secret)`,
      );
    }
    if (kind === 'hmac' && !isHmac) {
      throw new ConfigError('algorithms', `algorithms: ${alg} is not an HMAC algorithm and cannot be used with secret`);
    }
    if (!compatible.includes(alg)) {
      throw new ConfigError('algorithms', `algorithms: ${alg} is not supported for this key`);
    }
  }
  return [...new Set(configured)];
}
