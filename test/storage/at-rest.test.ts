/**
 * Security at rest on the persistent backends: no plaintext secrets in the raw data, wrong
 * keys fail loudly without losing data, rotation, and ciphertexts bound to their key.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileRawStore } from '../../src/storage/file.js';
import { hashKey, keyId, StoreError } from '../../src/storage/index.js';
import { makeBackend, newKey, rawRedisKeys, REDIS_URL, type Backend } from './helpers.js';

/** Raw access below the secure layer, to inspect and tamper with what is really stored. */
interface RawAccess {
  dump(): Promise<Buffer>;
  get(collection: string, storedKey: string): Promise<string | undefined>;
  set(collection: string, storedKey: string, raw: string): Promise<void>;
  close(): Promise<void>;
}

function rawAccess(backend: Backend): RawAccess {
  if (backend.name === 'file') {
    const dir = backend.options.path as string;
    // Opened per call and closed again: the store under test must be closed meanwhile.
    const withRaw = async <T>(fn: (s: FileRawStore) => Promise<T>): Promise<T> => {
      const s = new FileRawStore({ path: dir });
      try {
        return await fn(s);
      } finally {
        await s.close();
      }
    };
    return {
      dump: async () => Buffer.concat(readAll(dir)),
      get: (c, k) => withRaw((s) => s.get(c, k)),
      set: (c, k, v) => withRaw((s) => s.set(c, k, v)),
      close: async () => undefined,
    };
  }
  const client = new Redis(REDIS_URL);
  const prefix = backend.options.keyPrefix as string;
  return {
    dump: async () => {
      const parts: Buffer[] = [];
      for (const k of await rawRedisKeys(client, prefix)) parts.push(Buffer.from(k), (await client.getBuffer(k)) ?? Buffer.alloc(0));
      return Buffer.concat(parts);
    },
    get: async (c, k) => (await client.get(`${prefix}${c}:${k}`)) ?? undefined,
    set: async (c, k, v) => void (await client.set(`${prefix}${c}:${k}`, v)),
    close: async () => void client.disconnect(),
  };
}

function readAll(dir: string): Buffer[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? readAll(p) : [readFileSync(p)];
  });
}

async function rejection(p: Promise<unknown>): Promise<StoreError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

describe.each(['file', 'redis'] as const)('security at rest: %s', (name) => {
  let backend: Backend;
  let raw: RawAccess;

  beforeAll(() => {
    backend = makeBackend(name);
    raw = rawAccess(backend);
  });

  afterAll(async () => {
    await raw?.close();
    await backend?.cleanup();
  });

  it('stores no plaintext secret keys or values (and the search does find plaintext that is not secret)', async () => {
    const secretKey = `rt_${newKey()}`;
    const secretValue = `ya29.${newKey()}`;
    const visible = `visible-${newKey()}`;
    const store = await backend.open();
    await store.set('tokens', secretKey, { access_token: secretValue });
    await store.set('codes', secretKey, { note: 'hashed key only' });
    await store.set('secrets', 'client-1', { client_secret: secretValue });
    await store.set('plain', 'k', { visible });
    expect(await store.get('tokens', secretKey)).toEqual({ access_token: secretValue });
    await store.close();

    const bytes = await raw.dump();
    expect(bytes.includes(visible)).toBe(true);
    expect(bytes.includes(hashKey(secretKey))).toBe(true);
    expect(bytes.includes(secretKey)).toBe(false);
    expect(bytes.includes(secretValue)).toBe(false);
    expect(bytes.includes(secretValue.slice(5, 25))).toBe(false);
  });

  it('a wrong key fails with STORE_BAD_KEY and leaves the data in place', async () => {
    const right = newKey();
    const store = await backend.open({ keys: [right] });
    await store.set('secrets', 'wk', { s: 'kept' });
    await store.set('tokens', 'wk-token', { s: 'kept too' });
    await store.close();

    const wrong = await backend.open({ keys: [newKey()] });
    expect((await rejection(wrong.get('secrets', 'wk'))).code).toBe('STORE_BAD_KEY');
    expect((await rejection(wrong.take('secrets', 'wk'))).code).toBe('STORE_BAD_KEY');
    expect((await rejection(wrong.take('tokens', 'wk-token'))).code).toBe('STORE_BAD_KEY');
    expect((await rejection(wrong.compareAndSet('secrets', 'wk', { s: 'kept' }, { s: 'x' }))).code).toBe('STORE_BAD_KEY');
    expect(await wrong.list('secrets', 'wk')).toEqual(['wk']);
    await wrong.close();

    const again = await backend.open({ keys: [right] });
    expect(await again.get('secrets', 'wk')).toEqual({ s: 'kept' });
    expect(await again.take('tokens', 'wk-token')).toEqual({ s: 'kept too' });
    await again.close();
  });

  it('rotation: [new, old] reads old records and writes with the new key', async () => {
    const oldKey = newKey();
    const newer = newKey();
    const before = await backend.open({ keys: [oldKey] });
    await before.set('secrets', 'rot-old', 'written with old');
    await before.close();

    const rotated = await backend.open({ keys: `${newer},${oldKey}` });
    expect(await rotated.get('secrets', 'rot-old')).toBe('written with old');
    await rotated.set('secrets', 'rot-new', 'written with new');
    await rotated.close();

    const oldEnvelope = JSON.parse((await raw.get('secrets', 'rot-old')) ?? '{}') as { kid?: string };
    const newEnvelope = JSON.parse((await raw.get('secrets', 'rot-new')) ?? '{}') as { kid?: string };
    expect(oldEnvelope.kid).toBe(keyId(Buffer.from(oldKey, 'base64')));
    expect(newEnvelope.kid).toBe(keyId(Buffer.from(newer, 'base64')));

    const onlyNew = await backend.open({ keys: [newer] });
    expect(await onlyNew.get('secrets', 'rot-new')).toBe('written with new');
    expect((await rejection(onlyNew.get('secrets', 'rot-old'))).code).toBe('STORE_BAD_KEY');
    await onlyNew.close();
  });

  it('a ciphertext moved to another key does not decrypt (collection and key are the AAD)', async () => {
    const store = await backend.open();
    await store.set('secrets', 'alice', { token: 'alice-token' });
    await store.close();
    const envelope = await raw.get('secrets', 'alice');
    expect(envelope).toBeDefined();
    await raw.set('secrets', 'mallory', envelope as string);
    await raw.set('other', 'alice', envelope as string);

    const reopened = await backend.open({ encryptedCollections: ['secrets', 'other'] });
    expect(await reopened.get('secrets', 'alice')).toEqual({ token: 'alice-token' });
    expect((await rejection(reopened.get('secrets', 'mallory'))).code).toBe('STORE_BAD_KEY');
    expect((await rejection(reopened.get('other', 'alice'))).code).toBe('STORE_BAD_KEY');
    await raw.set('secrets', 'plaintext', JSON.stringify({ token: 'injected' }));
    expect((await rejection(reopened.get('secrets', 'plaintext'))).code).toBe('STORE_CORRUPT');
    await reopened.close();
  });
});
