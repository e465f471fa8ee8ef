import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { generateKeyPair, keyPairFromPrivateJwk, type TestKeyPair } from './keypair.js';

/** File names inside a key directory (default `.mcp-bastion/keys/`). */
export const KEY_FILES = Object.freeze({
  privateJwk: 'private.jwk.json',
  publicJwk: 'public.jwk.json',
  jwks: 'jwks.json',
  publicPem: 'public.pem',
});

export interface KeyFiles {
  readonly dir: string;
  readonly privateJwk: string;
  readonly publicJwk: string;
  readonly jwks: string;
  readonly publicPem: string;
}

export function keyFiles(dir: string): KeyFiles {
  return {
    dir,
    privateJwk: join(dir, KEY_FILES.privateJwk),
    publicJwk: join(dir, KEY_FILES.publicJwk),
    jwks: join(dir, KEY_FILES.jwks),
    publicPem: join(dir, KEY_FILES.publicPem),
  };
}

/**
 * Generates a key pair and writes it under `dir`: the private JWK with mode
 * 0600 (created that way, never world-readable even briefly), the public JWK,
 * a one-key JWKS and the public PEM (for MCP_BASTION_JWT_PUBLIC_KEY=@file).
 * Refuses to overwrite an existing private key unless `force`.
 */
export async function writeKeyPair(
  dir: string,
  opts: { alg?: string; force?: boolean } = {},
): Promise<{ keyPair: TestKeyPair; files: KeyFiles }> {
  const files = keyFiles(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (opts.force !== true && (await exists(files.privateJwk))) {
    throw new Error(`${files.privateJwk} already exists (use force to replace it)`);
  }
  const keyPair = await generateKeyPair(opts.alg ?? 'RS256');
  await writeAtomic(files.privateJwk, `${JSON.stringify(keyPair.privateJwk, null, 2)}\n`, 0o600);
  await writeAtomic(files.publicJwk, `${JSON.stringify(keyPair.publicJwk, null, 2)}\n`, 0o644);
  await writeAtomic(files.jwks, `${JSON.stringify({ keys: [keyPair.publicJwk] }, null, 2)}\n`, 0o644);
  await writeAtomic(files.publicPem, keyPair.publicPem.endsWith('\n') ? keyPair.publicPem : `${keyPair.publicPem}\n`, 0o644);
  return { keyPair, files };
}

/** Loads the key pair from `dir`. Refuses a private key readable by group or others (like ssh does). */
export async function loadKeyPair(dir: string): Promise<TestKeyPair> {
  const files = keyFiles(dir);
  const info = await stat(files.privateJwk);
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new Error(`${files.privateJwk} is accessible by other users (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`);
  }
  const jwk = JSON.parse(await readFile(files.privateJwk, 'utf8')) as JWK;
  return keyPairFromPrivateJwk(jwk);
}

/** Loads the key pair from `dir`, creating one if there is none yet. */
export async function loadOrCreateKeyPair(
  dir: string,
  opts: { alg?: string } = {},
): Promise<{ keyPair: TestKeyPair; files: KeyFiles; created: boolean }> {
  const files = keyFiles(dir);
  if (await exists(files.privateJwk)) return { keyPair: await loadKeyPair(dir), files, created: false };
  const written = await writeKeyPair(dir, { alg: opts.alg ?? 'RS256' });
  return { ...written, created: true };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Write to a temp file created with the final mode, then rename: readers never see a partial or loosely-permissioned file. */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(tmp, mode); // umask may have narrowed or (for 0644) the mode is already right; be explicit.
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
