/** resolveStorageConfig: the three input shapes, the environment, and errors that name their source. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore, resolveStorageConfig, StoreError, type Env, type StorageConfigInput } from '../../src/storage/index.js';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

function configError(config: StorageConfigInput | undefined, env: Env = {}): StoreError {
  try {
    resolveStorageConfig(config, env);
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('STORE_CONFIG');
    return err as StoreError;
  }
  throw new Error('expected a configuration error');
}

describe('resolveStorageConfig', () => {
  it('defaults to the file backend under .mcp-bastion/ in the working directory', () => {
    const c = resolveStorageConfig(undefined, {});
    expect(c.type).toBe('file');
    expect(c.path).toBe(resolve('.mcp-bastion/store'));
    expect(c.keyPrefix).toBe('mcp-bastion:');
    expect(c.keys).toEqual([]);
  });

  it('reads the environment', () => {
    const c = resolveStorageConfig(undefined, {
      MCP_BASTION_STORAGE: 'redis',
      REDIS_URL: 'redis://cache:6379/2',
      MCP_BASTION_STORAGE_PATH: '/var/lib/bastion',
      MCP_BASTION_STORAGE_KEY: `${KEY_A}, ${KEY_B}`,
    });
    expect(c.type).toBe('redis');
    expect(c.url).toBe('redis://cache:6379/2');
    expect(c.path).toBe('/var/lib/bastion');
    expect(c.keys.map((k) => k.toString('base64'))).toEqual([KEY_A, KEY_B]);
  });

  it('treats empty environment variables as unset', () => {
    const c = resolveStorageConfig(undefined, {
      MCP_BASTION_STORAGE: '',
      MCP_BASTION_STORAGE_KEY: '',
      MCP_BASTION_STORAGE_PATH: ' ',
      REDIS_URL: '',
    });
    expect(c.type).toBe('file');
    expect(c.keys).toEqual([]);
    expect(c.path).toBe(resolve('.mcp-bastion/store'));
  });

  it('lets explicit options win over the environment', () => {
    const c = resolveStorageConfig({ type: 'memory', keys: [KEY_B] }, { MCP_BASTION_STORAGE: 'redis', MCP_BASTION_STORAGE_KEY: KEY_A });
    expect(c.type).toBe('memory');
    expect(c.keys.map((k) => k.toString('base64'))).toEqual([KEY_B]);
  });

  it('accepts { storage: {...} }', () => {
    const c = resolveStorageConfig(
      { storage: { type: 'file', path: 'data/store', encryptedCollections: ['upstream-tokens'], secretKeyCollections: ['codes'] } },
      {},
    );
    expect(c.type).toBe('file');
    expect(c.path).toBe(resolve('data/store'));
    expect(c.encryptedCollections).toEqual(['upstream-tokens']);
    expect(c.secretKeyCollections).toEqual(['codes']);
  });

  it('accepts the legacy oauth.sessionStorage alias', () => {
    const c = resolveStorageConfig(
      {
        oauth: {
          sessionStorage: {
            type: 'redis',
            redis: { host: 'redis.internal', port: 6380, password: 'from-config', db: 3, keyPrefix: 'app:' },
          },
        },
      },
      {},
    );
    expect(c.type).toBe('redis');
    expect(c.redis).toEqual({ host: 'redis.internal', port: 6380, password: 'from-config', db: 3 });
    expect(c.keyPrefix).toBe('app:');
    const f = resolveStorageConfig({ oauth: { sessionStorage: { type: 'file', filePath: './sessions' } } }, {});
    expect(f.path).toBe(resolve('sessions'));
  });

  it('sets no password when none is configured', () => {
    const c = resolveStorageConfig({ oauth: { sessionStorage: { type: 'redis', redis: { host: 'h' } } } }, {});
    expect(c.redis).toMatchObject({ host: 'h', port: 6379 });
    expect((c.redis as { password?: string }).password).toBeUndefined();
  });

  it('names the environment variable or option at fault', () => {
    expect(configError(undefined, { MCP_BASTION_STORAGE: 'sqlite' }).message).toBe(
      "MCP_BASTION_STORAGE: expected one of memory|file|redis, got 'sqlite'",
    );
    expect(configError(undefined, { MCP_BASTION_STORAGE_KEY: randomBase64(12) }).message).toBe(
      'MCP_BASTION_STORAGE_KEY: expected base64 of 32 bytes, got 12 bytes',
    );
    expect(configError(undefined, { MCP_BASTION_STORAGE_KEY: `${KEY_A},${randomBase64(16)}` }).message).toBe(
      'MCP_BASTION_STORAGE_KEY (key 2): expected base64 of 32 bytes, got 16 bytes',
    );
    expect(configError(undefined, { MCP_BASTION_STORAGE_KEY: 'not base64!' }).message).toContain(
      'MCP_BASTION_STORAGE_KEY: expected base64 of 32 bytes',
    );
    expect(configError({ storage: { keys: ['short'] } }).message).toContain('storage.keys');
    expect(configError({ storage: { type: 'mongo' as 'file' } }).message).toContain('storage.type');
    expect(configError({ type: 'redis' }).message).toContain('REDIS_URL');
    expect(configError(undefined, { MCP_BASTION_STORAGE: 'redis', REDIS_URL: 'http://x' }).message).toContain(
      'REDIS_URL: expected a redis:// or rediss:// URL',
    );
    expect(configError({ type: 'redis', url: 'localhost:6379' }).message).toContain('url: expected a redis://');
    expect(configError({ oauth: { sessionStorage: { type: 'redis', redis: { port: 70000 } } } }).message).toContain(
      'oauth.sessionStorage.redis.port',
    );
    expect(configError({ storage: { commandTimeoutMs: -1 } }).message).toContain('storage.commandTimeoutMs');
    expect(configError({ encryptedCollections: 'secrets' as unknown as string[] }).message).toContain('encryptedCollections');
    expect(configError({ storage: { path: ' ' } }).message).toContain('storage.path');
  });

  it('refuses encrypted collections on Redis without a key, naming MCP_BASTION_STORAGE_KEY, before connecting', async () => {
    const err = await createStore({ type: 'redis', url: 'redis://127.0.0.1:1', encryptedCollections: ['upstream-tokens'] }, {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('STORE_CONFIG');
    expect((err as StoreError).message).toContain('MCP_BASTION_STORAGE_KEY');
  });

  it('refuses invalid collection names in the security options', async () => {
    const err = await createStore({ type: 'memory', secretKeyCollections: ['bad:name'] }, {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as StoreError).code).toBe('STORE_INVALID');
  });
});

function randomBase64(bytes: number): string {
  return Buffer.alloc(bytes, 9).toString('base64');
}
