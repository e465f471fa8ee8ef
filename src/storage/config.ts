import { resolve } from 'node:path';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { KEY_BYTES } from './crypto.js';
import type { SecurityOptions } from './secure.js';
import { StoreError } from './types.js';
import { envString, type Env } from '../env.js';

export type StorageType = 'memory' | 'file' | 'redis';

/** An ioredis options object (standalone or Sentinel), or a client you built (Redis or Cluster). */
export type RedisConnection = RedisOptions | Redis | Cluster;

/** The `storage: {...}` configuration object (also what `createStore` takes directly). */
export interface StorageOptions extends SecurityOptions {
  /** Default: MCP_BASTION_STORAGE, else 'file'. */
  readonly type?: StorageType | undefined;
  /** File backend directory. Default: MCP_BASTION_STORAGE_PATH, else `.mcp-bastion/store` under the cwd. */
  readonly path?: string | undefined;
  /** Redis URL (`redis://` or `rediss://`). Default: REDIS_URL. */
  readonly url?: string | undefined;
  /** Redis connection: ioredis options (Sentinel: `sentinels` + `name`) or an existing Redis/Cluster client. */
  readonly redis?: RedisConnection | undefined;
  /** Prefix of every Redis key. Default `mcp-bastion:`. */
  readonly keyPrefix?: string | undefined;
  /** Encryption keys, newest first: base64 strings of 32 bytes (or a comma-separated string), or raw 32-byte arrays. */
  readonly keys?: string | readonly (string | Uint8Array)[] | undefined;
  /** Background purge of expired entries (memory, file). Default 60 000. */
  readonly sweepIntervalMs?: number | undefined;
  /** Redis: a command with no answer after this long fails with STORE_TIMEOUT. Default 2 000. */
  readonly commandTimeoutMs?: number | undefined;
  /** Redis: bound on establishing the first connection. Default 5 000. */
  readonly connectTimeoutMs?: number | undefined;
}

/** The legacy `oauth.sessionStorage` shape, accepted as an alias. */
export interface LegacySessionStorage {
  readonly type?: StorageType | undefined;
  /** Taken as the store directory. */
  readonly filePath?: string | undefined;
  readonly redis?:
    | { readonly host?: string; readonly port?: number; readonly password?: string; readonly db?: number; readonly keyPrefix?: string }
    | undefined;
}

export type StorageConfigInput =
  | StorageOptions
  | { readonly storage?: StorageOptions | undefined }
  | { readonly oauth?: { readonly sessionStorage?: LegacySessionStorage | undefined } | undefined };

export interface ResolvedStorageConfig {
  readonly type: StorageType;
  /** Absolute directory (file backend). */
  readonly path: string;
  readonly url?: string | undefined;
  readonly redis?: RedisConnection | undefined;
  readonly keyPrefix: string;
  /** Decoded keys, newest first; empty when none was configured. */
  readonly keys: readonly Buffer[];
  readonly secretKeyCollections: readonly string[];
  readonly encryptedCollections: readonly string[];
  readonly sweepIntervalMs: number;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

export type { Env };

const TYPES: readonly StorageType[] = ['memory', 'file', 'redis'];
export const DEFAULT_STORE_DIR = '.mcp-bastion/store';
export const DEFAULT_KEY_PREFIX = 'mcp-bastion:';

/**
 * Normalises `{ storage: {...} }`, the legacy `{ oauth: { sessionStorage } }`, bare options, or
 * nothing, plus the environment, into one config. Explicit options win over environment
 * variables. Errors are StoreError('STORE_CONFIG') naming the option or variable at fault.
 */
export function resolveStorageConfig(config: StorageConfigInput | undefined = {}, env: Env = process.env): ResolvedStorageConfig {
  const { options, label } = pickShape(config);
  const fromEnv = (name: string): string | undefined => envString(env, name);
  const type = resolveType(options.type, label, fromEnv('MCP_BASTION_STORAGE'));
  const path = resolve(nonEmpty(options.path, `${label}path`) ?? fromEnv('MCP_BASTION_STORAGE_PATH') ?? DEFAULT_STORE_DIR);
  const envKeys = fromEnv('MCP_BASTION_STORAGE_KEY');
  const keys =
    options.keys !== undefined
      ? parseKeys(options.keys, `${label}keys`)
      : envKeys !== undefined
        ? parseKeys(envKeys, 'MCP_BASTION_STORAGE_KEY')
        : [];
  let url: string | undefined;
  if (type === 'redis' && options.redis === undefined) {
    const envUrl = fromEnv('REDIS_URL');
    url =
      options.url !== undefined
        ? checkRedisUrl(options.url, `${label}url`)
        : envUrl !== undefined
          ? checkRedisUrl(envUrl, 'REDIS_URL')
          : undefined;
    if (url === undefined)
      throw new StoreError(
        'STORE_CONFIG',
        `${label}type is 'redis' but no server is configured: set ${label}url, ${label}redis or REDIS_URL`,
      );
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== 'string') throw new StoreError('STORE_CONFIG', `${label}keyPrefix: expected a string`);
  return {
    type,
    path,
    url,
    redis: options.redis,
    keyPrefix,
    keys,
    secretKeyCollections: stringList(options.secretKeyCollections, `${label}secretKeyCollections`),
    encryptedCollections: stringList(options.encryptedCollections, `${label}encryptedCollections`),
    sweepIntervalMs: positive(options.sweepIntervalMs, `${label}sweepIntervalMs`, 60_000),
    commandTimeoutMs: positive(options.commandTimeoutMs, `${label}commandTimeoutMs`, 2_000),
    connectTimeoutMs: positive(options.connectTimeoutMs, `${label}connectTimeoutMs`, 5_000),
  };
}

function pickShape(config: StorageConfigInput): { options: StorageOptions; label: string } {
  if (!isRecord(config)) throw new StoreError('STORE_CONFIG', 'storage config: expected an object');
  if ('storage' in config && config.storage !== undefined) {
    if (!isRecord(config.storage)) throw new StoreError('STORE_CONFIG', 'storage: expected an object');
    return { options: config.storage, label: 'storage.' };
  }
  if ('oauth' in config && isRecord(config.oauth) && config.oauth.sessionStorage !== undefined) {
    const legacy: unknown = config.oauth.sessionStorage;
    if (!isRecord(legacy)) throw new StoreError('STORE_CONFIG', 'oauth.sessionStorage: expected an object');
    const label = 'oauth.sessionStorage.';
    const l = legacy as LegacySessionStorage;
    const r: unknown = l.redis;
    let redis: RedisOptions | undefined;
    let keyPrefix: string | undefined;
    if (r !== undefined) {
      if (!isRecord(r)) throw new StoreError('STORE_CONFIG', `${label}redis: expected an object`);
      const { host, port, password, db } = r;
      if (host !== undefined && typeof host !== 'string') throw new StoreError('STORE_CONFIG', `${label}redis.host: expected a string`);
      if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65535)) {
        throw new StoreError('STORE_CONFIG', `${label}redis.port: expected a TCP port, got ${String(port)}`);
      }
      if (password !== undefined && typeof password !== 'string')
        throw new StoreError('STORE_CONFIG', `${label}redis.password: expected a string`);
      if (db !== undefined && (typeof db !== 'number' || !Number.isInteger(db) || db < 0))
        throw new StoreError('STORE_CONFIG', `${label}redis.db: expected a database number`);
      if (r.keyPrefix !== undefined && typeof r.keyPrefix !== 'string')
        throw new StoreError('STORE_CONFIG', `${label}redis.keyPrefix: expected a string`);
      redis = { host: host ?? '127.0.0.1', port: port ?? 6379, password, db };
      keyPrefix = r.keyPrefix;
    }
    return { options: { type: l.type, path: l.filePath, redis, keyPrefix }, label };
  }
  if ('oauth' in config || 'storage' in config) return { options: {}, label: '' };
  return { options: config as StorageOptions, label: '' };
}

function resolveType(value: unknown, label: string, fromEnv: string | undefined): StorageType {
  if (value !== undefined) {
    if (!TYPES.includes(value as StorageType))
      throw new StoreError('STORE_CONFIG', `${label}type: expected one of ${TYPES.join('|')}, got '${String(value)}'`);
    return value as StorageType;
  }
  if (fromEnv === undefined) return 'file';
  if (!TYPES.includes(fromEnv as StorageType))
    throw new StoreError('STORE_CONFIG', `MCP_BASTION_STORAGE: expected one of ${TYPES.join('|')}, got '${fromEnv}'`);
  return fromEnv as StorageType;
}

/** Strict base64 (or base64url) of exactly 32 bytes; lenient decoding would hide typos. */
export function parseKeys(value: string | readonly (string | Uint8Array)[], source: string): Buffer[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : [...value];
  if (list.length === 0) throw new StoreError('STORE_CONFIG', `${source}: expected at least one key`);
  return list.map((k, i) => {
    const where = list.length > 1 ? `${source} (key ${i + 1})` : source;
    if (k instanceof Uint8Array) {
      if (k.length !== KEY_BYTES) throw new StoreError('STORE_CONFIG', `${where}: expected ${KEY_BYTES} bytes, got ${k.length} bytes`);
      return Buffer.from(k);
    }
    if (typeof k !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(k)) {
      throw new StoreError('STORE_CONFIG', `${where}: expected base64 of ${KEY_BYTES} bytes (generate one with: openssl rand -base64 32)`);
    }
    const bytes = Buffer.from(k, k.includes('-') || k.includes('_') ? 'base64url' : 'base64');
    if (bytes.length !== KEY_BYTES)
      throw new StoreError('STORE_CONFIG', `${where}: expected base64 of ${KEY_BYTES} bytes, got ${bytes.length} bytes`);
    return bytes;
  });
}

function checkRedisUrl(url: unknown, source: string): string {
  if (typeof url !== 'string' || !/^rediss?:\/\/./.test(url))
    throw new StoreError('STORE_CONFIG', `${source}: expected a redis:// or rediss:// URL`);
  try {
    new URL(url);
  } catch {
    throw new StoreError('STORE_CONFIG', `${source}: not a valid URL`);
  }
  return url;
}

function nonEmpty(value: unknown, source: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new StoreError('STORE_CONFIG', `${source}: expected a non-empty path`);
  return value;
}

function stringList(value: unknown, source: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new StoreError('STORE_CONFIG', `${source}: expected an array of collection names`);
  return [...(value as string[])];
}

function positive(value: unknown, source: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new StoreError('STORE_CONFIG', `${source}: expected a positive number of milliseconds`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
