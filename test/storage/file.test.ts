/** LMDB file backend specifics: crash safety, key file handling, background purge. */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, KEY_FILE, StoreError, type StorageOptions } from '../../src/storage/index.js';
import { runWorker, sleep, startWorker, tempDir } from './helpers.js';

const dirs: string[] = [];
function freshDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface CrashRecord {
  seq: number;
  payload: string;
  digest: string;
}

describe('file store', () => {
  it('survives SIGKILL mid-write: only whole committed records, none lost that were acknowledged', async () => {
    const path = freshDir();
    const options: StorageOptions = { type: 'file', path };
    // Open before the crash too: a live process must carry on after its neighbour dies mid-write.
    const survivor = await createStore(options, {});
    const writer = startWorker(options, ['write-loop', 'crash']);
    // Wait until a few hundred writes were acknowledged, then kill without warning.
    const line = await writer.waitFor((l) => l.startsWith('progress ') && Number(l.slice(9)) >= 300);
    const acknowledged = Number(line.slice(9));
    writer.child.kill('SIGKILL');
    await writer.exited;

    const store = await createStore(options, {});
    const keys = await store.list('crash');
    expect(keys.length).toBeGreaterThan(acknowledged);
    for (const key of keys) {
      const rec = await store.get<CrashRecord>('crash', key);
      expect(rec, key).toBeDefined();
      const { seq, payload, digest } = rec as CrashRecord;
      expect(key).toBe(`rec-${String(seq).padStart(8, '0')}`);
      expect(payload).toBe(createHash('sha256').update(String(seq)).digest('hex').repeat(16));
      expect(digest).toBe(createHash('sha256').update(`${seq}:${payload}`).digest('hex'));
    }
    // Writes are sequential, so the committed ones form an unbroken run from 0.
    expect(keys).toEqual(Array.from({ length: keys.length }, (_, i) => `rec-${String(i).padStart(8, '0')}`));
    // Both the reopened store and the one that stayed open can still write after the crash.
    await store.set('crash', 'after', 'ok');
    expect(await survivor.take('crash', 'after')).toBe('ok');
    expect(await survivor.increment('crash-counter', 'n', 1)).toBe(1);
    await survivor.close();
    await store.close();
  });

  it('keeps its files private: data files 0600, a created directory 0700', async () => {
    const path = join(freshDir(), 'nested', 'store');
    const store = await createStore({ type: 'file', path }, {});
    await store.set('c', 'k', 1);
    await store.close();
    expect(statSync(path).mode & 0o777).toBe(0o700);
    expect(statSync(join(path, 'data.mdb')).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, 'data.mdb-lock')).mode & 0o777).toBe(0o600);
  });

  it('creates the key file with mode 0600 on first use and reuses it', async () => {
    const path = freshDir();
    const options: StorageOptions = { type: 'file', path, encryptedCollections: ['secrets'] };
    const store = await createStore(options, {});
    await store.set('secrets', 'k', 'v');
    await store.close();
    const file = join(path, KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    const reopened = await createStore(options, {});
    expect(await reopened.get('secrets', 'k')).toBe('v');
    await reopened.close();
  });

  it('two processes starting together agree on one key file', async () => {
    const path = freshDir();
    const options: StorageOptions = { type: 'file', path, encryptedCollections: ['secrets'] };
    await Promise.all([runWorker(options, ['set', 'secrets', 'from-a', '"a"']), runWorker(options, ['set', 'secrets', 'from-b', '"b"'])]);
    const store = await createStore(options, {});
    expect(await store.get('secrets', 'from-a')).toBe('a');
    expect(await store.get('secrets', 'from-b')).toBe('b');
    await store.close();
  });

  it('does not create a key file when keys are configured or nothing is encrypted', async () => {
    const path = freshDir();
    const s1 = await createStore({ type: 'file', path }, {});
    await s1.close();
    const s2 = await createStore(
      { type: 'file', path, encryptedCollections: ['secrets'] },
      { MCP_BASTION_STORAGE_KEY: Buffer.alloc(32, 7).toString('base64') },
    );
    await s2.close();
    expect(existsSync(join(path, KEY_FILE))).toBe(false);
  });

  it('refuses a key file readable by group or others, naming the file', async () => {
    const path = freshDir();
    const file = join(path, KEY_FILE);
    writeFileSync(file, `${Buffer.alloc(32, 1).toString('base64')}\n`, { mode: 0o600 });
    chmodSync(file, 0o644);
    const err = await createStore({ type: 'file', path, encryptedCollections: ['secrets'] }, {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('STORE_CONFIG');
    expect((err as StoreError).message).toContain(file);
    expect((err as StoreError).message).toContain('chmod 600');
  });

  it('two stores on the same directory in one process share data, and closing one leaves the other working', async () => {
    const path = freshDir();
    const a = await createStore({ type: 'file', path }, {});
    const b = await createStore({ type: 'file', path }, {});
    await a.set('c', 'k', 1);
    expect(await b.get('c', 'k')).toBe(1);
    await a.close();
    await b.set('c', 'k2', 2);
    expect(await b.take('c', 'k')).toBe(1);
    await b.close();
    const c = await createStore({ type: 'file', path }, {});
    expect(await c.list('c')).toEqual(['k2']);
    await c.close();
  });

  it('purges expired records in the background, not only hides them', async () => {
    const path = freshDir();
    const store = await createStore({ type: 'file', path, sweepIntervalMs: 200 }, {});
    await store.set('ttl', 'gone', 'x', { ttlSeconds: 0.3 });
    await store.set('ttl', 'stays', 'y');
    await sleep(900);
    await store.close();
    const db = open<string, Buffer>({ path: join(path, 'data.mdb'), encoding: 'string', keyEncoding: 'binary' });
    try {
      expect(db.get(Buffer.from('ttl\u0000gone'))).toBeUndefined();
      expect(db.get(Buffer.from('ttl\u0000stays'))).toBeDefined();
    } finally {
      await db.close();
    }
  });
});
