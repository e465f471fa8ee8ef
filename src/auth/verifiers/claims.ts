import { AuthError } from '../principal.js';

/** Event emitted by verifiers for logs/metrics. Never carries token values. */
export interface VerifierEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}
export type VerifierEventSink = (event: VerifierEvent) => void;

/** Splits a space- (or comma-) separated list, dropping empties. */
export function splitList(value: string): string[] {
  return value.split(/[\s,]+/).filter((s) => s !== '');
}

/**
 * Reads a scope claim. RFC 8693/9068 use a space-separated `scope` string;
 * Azure/Okta use `scp` as an array or string. Anything else is not a scope
 * list and is refused rather than guessed at.
 */
export function readScopeClaim(claims: Readonly<Record<string, unknown>>): string[] {
  const raw = claims['scope'] !== undefined ? claims['scope'] : claims['scp'];
  const name = claims['scope'] !== undefined ? 'scope' : 'scp';
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') return raw.split(' ').filter((s) => s !== '');
  if (Array.isArray(raw) && raw.every((s): s is string => typeof s === 'string')) return raw.filter((s) => s !== '');
  throw new AuthError('invalid_claims', `"${name}" claim is neither a string nor an array of strings`);
}

export function readStringClaim(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = claims[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') throw new AuthError('invalid_claims', `"${name}" claim must be a non-empty string`);
  return v;
}

export function readStringArrayClaim(claims: Readonly<Record<string, unknown>>, name: string): string[] | undefined {
  const v = claims[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) {
    throw new AuthError('invalid_claims', `"${name}" claim must be an array of strings`);
  }
  return v;
}

/** `aud` as a list (RFC 7519 allows a single string or an array). */
export function readAudience(claims: Readonly<Record<string, unknown>>): string[] | undefined {
  const v = claims['aud'];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s): s is string => typeof s === 'string')) return v;
  throw new AuthError('invalid_claims', '"aud" claim must be a string or an array of strings');
}

/** `client_id` (RFC 9068), else `azp` (OIDC), else `cid` (Okta). */
export function readClientId(claims: Readonly<Record<string, unknown>>): string | undefined {
  return readStringClaim(claims, 'client_id') ?? readStringClaim(claims, 'azp') ?? readStringClaim(claims, 'cid');
}

/** Throws 403 `insufficient_scope` listing what is required (not what is missing: that is the server's policy, not a secret, but the full list is what a client must request). */
export function requireScopes(granted: readonly string[], required: readonly string[]): void {
  if (required.length === 0) return;
  const have = new Set(granted);
  const missing = required.filter((s) => !have.has(s));
  if (missing.length > 0) {
    throw new AuthError('insufficient_scope', `token lacks required scope(s): ${missing.join(' ')}`, { requiredScopes: required });
  }
}

/** Normalises a `string | string[]` option, refusing empty values. */
export function toList(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : [...value];
  return list;
}

export function uniq(values: Iterable<string>): string[] {
  return [...new Set(values)];
}
