import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createStore, type SecureStore, type StorageOptions } from '../../src/storage/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(here, '..', '..');
const WORKER = join(here, 'fixtures', 'worker.ts');

/** A fresh base64 key of 32 random bytes. */
export function newKey(): string {
  return randomBytes(32).toString('base64');
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mcp-bastion-store-'));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Collections every suite declares: codes (hashed keys), secrets (encrypted), tokens (both). */
export const SECURITY = { secretKeyCollections: ['codes', 'tokens'], encryptedCollections: ['secrets', 'tokens'] } as const;

export type BackendName = 'memory' | 'file' | 'redis';

/** One backend under test: options that several processes can share, and how to clean up. */
export interface Backend {
  readonly name: BackendName;
  readonly options: StorageOptions;
  /** Whether data survives close() and is visible to other processes. */
  readonly persistent: boolean;
  open(extra?: Partial<StorageOptions>): Promise<SecureStore>;
  cleanup(): Promise<void>;
}

export function makeBackend(name: BackendName): Backend {
  const key = newKey();
  const base: StorageOptions = { ...SECURITY, keys: [key] };
  let options: StorageOptions;
  let cleanup: () => Promise<void>;
  if (name === 'memory') {
    options = { ...base, type: 'memory' };
    cleanup = async () => undefined;
  } else if (name === 'file') {
    const path = tempDir();
    options = { ...base, type: 'file', path };
    cleanup = async () => rmSync(path, { recursive: true, force: true });
  } else {
    // Glob characters in the prefix prove that list() escapes it before SCAN MATCH.
    const keyPrefix = `mcp-bastion-test:[${randomBytes(4).toString('hex')}]*:`;
    options = { ...base, type: 'redis', url: REDIS_URL, keyPrefix };
    cleanup = () => deleteRedisPrefix(keyPrefix);
  }
  return { name, options, persistent: name !== 'memory', open: (extra = {}) => createStore({ ...options, ...extra }, {}), cleanup };
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL);
  try {
    for (const k of await rawRedisKeys(client, prefix)) await client.del(k);
  } finally {
    client.disconnect();
  }
}

export async function rawRedisKeys(client: Redis, prefix: string): Promise<string[]> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** A child process running test/storage/fixtures/worker.ts, read line by line. */
export interface Worker {
  readonly child: ChildProcess;
  /** Resolves with the next stdout line matching `test`. */
  waitFor(test: (line: string) => boolean): Promise<string>;
  send(line: string): void;
  exited: Promise<number | null>;
}

export function startWorker(options: StorageOptions, args: string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(options), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, MCP_BASTION_STORAGE_KEY: undefined, MCP_BASTION_STORAGE: undefined },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ test: (l: string) => boolean; resolve: (l: string) => void }> = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    send: (line) => child.stdin?.write(`${line}\n`),
    waitFor: (test) =>
      new Promise<string>((resolve, reject) => {
        const found = lines.find(test);
        if (found !== undefined) return resolve(found);
        waiters.push({ test, resolve });
        void exited.then((code) => reject(new Error(`worker exited (${String(code)}) before the expected line; stderr: ${stderr}`)));
      }),
  };
}

/** Runs a worker to completion and returns its last stdout line parsed as JSON. */
export async function runWorker(options: StorageOptions, args: string[]): Promise<unknown> {
  const w = startWorker(options, args);
  const line = await w.waitFor((l) => l.startsWith('result '));
  await w.exited;
  return JSON.parse(line.slice('result '.length)) as unknown;
}
