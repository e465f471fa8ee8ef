import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseKeys } from './config.js';
import { KEY_BYTES } from './crypto.js';
import { StoreError } from './types.js';

export const KEY_FILE = 'storage.key';

/**
 * The file backend's key when none is configured: `<dir>/storage.key`, 32 random bytes in
 * base64, mode 0600. Created with O_EXCL so two processes starting together cannot write
 * two different keys; the loser reads the winner's file.
 */
export async function loadOrCreateKeyFile(dir: string): Promise<Buffer[]> {
  const file = join(dir, KEY_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw keyFileError(file, err);
    return readKeyFile(file);
  }
  try {
    writeSync(fd, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return readKeyFile(file);
}

async function readKeyFile(file: string): Promise<Buffer[]> {
  // Another process may have created the file and not yet written it: wait briefly for the key.
  for (let attempt = 0; ; attempt++) {
    let text: string;
    let mode: number;
    try {
      const fd = openSync(file, 'r');
      try {
        mode = fstatSync(fd).mode;
        text = readFileSync(fd, 'utf8').trim();
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      throw keyFileError(file, err);
    }
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new StoreError(
        'STORE_CONFIG',
        `${file}: key file is readable by group or others (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`,
      );
    }
    if (text !== '' || attempt >= 50) {
      if (text === '') throw new StoreError('STORE_CONFIG', `${file}: key file is empty`);
      // A comma-separated list is accepted here too, so rotation works without the env variable.
      return parseKeys(text, file);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function keyFileError(file: string, err: unknown): StoreError {
  return new StoreError('STORE_CONFIG', `${file}: cannot use the storage key file: ${(err as Error).message}`, { cause: err });
}
