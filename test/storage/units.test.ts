/** Building blocks: canonical JSON, the keyring's envelopes, key hashing, memory expiry sweep. */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Keyring } from '../../src/storage/crypto.js';
import { MemoryRawStore } from '../../src/storage/memory.js';
import { hashKey, keyId, StoreError } from '../../src/storage/index.js';
import { canonicalJson } from '../../src/storage/validate.js';
import { sleep } from './helpers.js';

function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected a StoreError');
}

describe('canonicalJson', () => {
  it('sorts object members recursively and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('keeps a "__proto__" member as data', () => {
    const value = JSON.parse('{"__proto__":{"x":1},"a":2}') as unknown;
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it('follows JSON for dates and undefined members; refuses what JSON cannot hold', () => {
    expect(canonicalJson({ d: new Date(0), u: undefined })).toBe('{"d":"1970-01-01T00:00:00.000Z"}');
    expect(storeError(() => canonicalJson(undefined)).code).toBe('STORE_INVALID');
    expect(storeError(() => canonicalJson(() => 1)).code).toBe('STORE_INVALID');
    expect(storeError(() => canonicalJson({ n: 1n })).code).toBe('STORE_INVALID');
  });
});

describe('Keyring', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('writes AES-256-GCM envelopes with the key id and a fresh 12-byte IV each time', () => {
    const ring = new Keyring([k1]);
    const a = JSON.parse(ring.encrypt('secret', 'aad')) as Record<string, unknown>;
    const b = JSON.parse(ring.encrypt('secret', 'aad')) as Record<string, unknown>;
    expect(a.$enc).toBe(1);
    expect(a.kid).toBe(createHash('sha256').update(k1).digest('hex').slice(0, 8));
    expect(a.kid).toBe(keyId(k1));
    expect(Buffer.from(a.iv as string, 'base64')).toHaveLength(12);
    expect(Buffer.from(a.tag as string, 'base64')).toHaveLength(16);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
    expect(ring.decrypt(JSON.stringify(a), 'aad')).toBe('secret');
  });

  it('decrypts with any key of the ring, encrypts with the first', () => {
    const old = new Keyring([k1]).encrypt('v', 'aad');
    const rotated = new Keyring([k2, k1]);
    expect(rotated.decrypt(old, 'aad')).toBe('v');
    expect((JSON.parse(rotated.encrypt('v', 'aad')) as { kid: string }).kid).toBe(keyId(k2));
    expect(rotated.ids).toEqual([keyId(k2), keyId(k1)]);
  });

  it('refuses unknown keys, other AAD and tampering with STORE_BAD_KEY', () => {
    const ring = new Keyring([k1]);
    const env = ring.encrypt('secret', 'aad');
    expect(storeError(() => new Keyring([k2]).decrypt(env, 'aad')).code).toBe('STORE_BAD_KEY');
    expect(storeError(() => ring.decrypt(env, 'other')).code).toBe('STORE_BAD_KEY');
    const parsed = JSON.parse(env) as { ct: string };
    const ct = Buffer.from(parsed.ct, 'base64');
    ct[0] = (ct[0] ?? 0) ^ 1;
    expect(storeError(() => ring.decrypt(JSON.stringify({ ...parsed, ct: ct.toString('base64') }), 'aad')).code).toBe('STORE_BAD_KEY');
    expect(storeError(() => ring.decrypt('"plain"', 'aad')).code).toBe('STORE_CORRUPT');
  });

  it('needs at least one key of 32 bytes', () => {
    expect(storeError(() => new Keyring([])).code).toBe('STORE_CONFIG');
    expect(storeError(() => new Keyring([randomBytes(16)])).message).toContain('got 16 bytes');
  });
});

describe('hashKey', () => {
  it('is SHA-256 hex of the UTF-8 key', () => {
    expect(hashKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('memory backend sweep', () => {
  it('drops expired entries in the background', async () => {
    const raw = new MemoryRawStore({ sweepIntervalMs: 50 });
    await raw.set('c', 'gone', '1', 100);
    await raw.set('c', 'stays', '2');
    await sleep(300);
    // Inspect the Map itself: get/list would hide expired entries anyway.
    const data = (raw as unknown as { data: Map<string, Map<string, unknown>> }).data;
    expect([...(data.get('c')?.keys() ?? [])]).toEqual(['stays']);
    await raw.close();
  });
});
