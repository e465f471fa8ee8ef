import { StoreError } from './types.js';

/**
 * Argument checks shared by every backend, so that all three accept and refuse exactly
 * the same inputs (the conformance suite relies on it).
 */

/** Letters, digits, `_`, `.` and `-`: no `:` (the Redis key separator) and no glob characters. */
const COLLECTION_RE = /^[A-Za-z0-9_.-]{1,64}$/;
/** LMDB keys are limited to 511 bytes by default; leave room for the collection name. */
const MAX_KEY_BYTES = 400;

export function checkCollection(collection: unknown): asserts collection is string {
  if (typeof collection !== 'string' || !COLLECTION_RE.test(collection)) {
    throw new StoreError('STORE_INVALID', 'collection: expected 1-64 characters of [A-Za-z0-9_.-]');
  }
}

export function checkKey(key: unknown, what = 'key'): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) throw new StoreError('STORE_INVALID', `${what}: expected a non-empty string`);
  if (key.includes('\u0000')) throw new StoreError('STORE_INVALID', `${what}: must not contain NUL characters`);
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new StoreError(
      'STORE_INVALID',
      `${what}: longer than ${MAX_KEY_BYTES} bytes (declare the collection secret-keyed to store long tokens as hashes)`,
    );
  }
}

export function checkPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') throw new StoreError('STORE_INVALID', 'prefix: expected a string');
  if (prefix.includes('\u0000')) throw new StoreError('STORE_INVALID', 'prefix: must not contain NUL characters');
}

/** Seconds from the public API to milliseconds for the backends; `undefined` means no expiry. */
export function ttlToMs(ttlSeconds: unknown): number | undefined {
  if (ttlSeconds === undefined) return undefined;
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new StoreError('STORE_INVALID', 'ttlSeconds: expected a positive number of seconds');
  }
  return Math.max(1, Math.ceil(ttlSeconds * 1000));
}

export function checkIncrement(by: unknown): asserts by is number {
  if (typeof by !== 'number' || !Number.isSafeInteger(by)) throw new StoreError('STORE_INVALID', 'by: expected a safe integer');
}

/** Parses a counter stored by `increment`; anything else under that key is a caller error. */
export function parseCounter(raw: string): number {
  if (!/^-?\d{1,16}$/.test(raw)) throw new StoreError('STORE_INVALID', 'increment: the stored value is not an integer');
  return Number(raw);
}

export function checkCounterResult(n: number): number {
  if (!Number.isSafeInteger(n)) throw new StoreError('STORE_INVALID', 'increment: result exceeds the safe integer range');
  return n;
}

/**
 * JSON with object keys sorted recursively, so that equal values have equal strings. Every
 * backend stores this form, which lets compareAndSet compare strings instead of structures.
 */
export function canonicalJson(value: unknown, what = 'value'): string {
  if (value === undefined) throw new StoreError('STORE_INVALID', `${what}: undefined is not JSON`);
  let plain: unknown;
  try {
    // Round-trip first: applies toJSON (Dates) and drops undefined members exactly as JSON does.
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error('not serialisable');
    plain = JSON.parse(text) as unknown;
  } catch (err) {
    throw new StoreError('STORE_INVALID', `${what}: not JSON-serialisable`, { cause: err });
  }
  return JSON.stringify(sortKeys(plain));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    // Null prototype: a "__proto__" member must stay data, not become the prototype.
    const out = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw new StoreError('STORE_CORRUPT', 'stored value is not valid JSON', { cause: err });
  }
}
