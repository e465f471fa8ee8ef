import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { mintToken } from '../testing/mint.js';
import { keyFiles, loadKeyPair, writeKeyPair } from '../testing/keys.js';

/** Where `keygen` writes and `token` reads keys unless told otherwise. */
export const DEFAULT_KEY_DIR = '.mcp-bastion/keys';

export interface KeygenOptions {
  readonly dir?: string | undefined;
  /** Default RS256. */
  readonly alg?: string | undefined;
  /** Replace an existing key pair (tokens signed with the old key stop verifying). */
  readonly force?: boolean | undefined;
}

/** `mcp-bastion keygen`: writes a key pair and returns the text to print (no secrets in it). */
export async function keygenCommand(opts: KeygenOptions = {}): Promise<string> {
  const dir = resolve(opts.dir ?? DEFAULT_KEY_DIR);
  const { keyPair, files } = await writeKeyPair(dir, { alg: opts.alg ?? 'RS256', force: opts.force === true });
  return [
    `Wrote ${keyPair.alg} key pair (kid ${keyPair.kid}) to ${dir}`,
    `  private key: ${files.privateJwk} (mode 600; keep it secret, do not commit it)`,
    `  public key:  ${files.publicPem}`,
    `  JWKS:        ${files.jwks}`,
    '',
    'Verify tokens signed with it by starting the server with:',
    '  MCP_BASTION_AUTH=jwt',
    `  MCP_BASTION_JWT_PUBLIC_KEY=@${files.publicPem}`,
    '',
    'Mint a token with:',
    '  mcp-bastion token --sub alice --scope mcp:tools --aud <server resource URL, e.g. http://127.0.0.1:3000/mcp> --ttl 1h',
    '',
  ].join('\n');
}

export interface TokenOptions {
  readonly dir?: string | undefined;
  readonly sub: string;
  /** Space/comma-separated string or list. */
  readonly scope?: string | readonly string[] | undefined;
  /** Required: a token without an audience would be accepted by any server trusting this key. */
  readonly aud: string;
  readonly iss?: string | undefined;
  /** Seconds, or a number with s/m/h/d suffix. Default 1h, at most 30 days. */
  readonly ttl?: string | number | undefined;
}

const MAX_TTL_SECONDS = 30 * 24 * 3600;

/** `mcp-bastion token`: returns a signed JWT (only the token, so it can be captured by `$(...)`). */
export async function tokenCommand(opts: TokenOptions): Promise<string> {
  if (typeof opts.sub !== 'string' || opts.sub === '') throw new ConfigError('--sub', '--sub is required');
  if (typeof opts.aud !== 'string' || opts.aud === '')
    throw new ConfigError('--aud', '--aud is required (the server resource URL, e.g. http://127.0.0.1:3000/mcp)');
  const dir = resolve(opts.dir ?? DEFAULT_KEY_DIR);
  try {
    await stat(keyFiles(dir).privateJwk);
  } catch {
    throw new ConfigError('--dir', `no key pair in ${dir}; run "mcp-bastion keygen" first`);
  }
  const keyPair = await loadKeyPair(dir);
  const scope =
    opts.scope === undefined
      ? undefined
      : typeof opts.scope === 'string'
        ? opts.scope.split(/[\s,]+/).filter((s) => s !== '')
        : [...opts.scope];
  return mintToken(keyPair, { sub: opts.sub, aud: opts.aud, iss: opts.iss, scope, ttlSeconds: parseTtl(opts.ttl) });
}

/** Parses `3600`, `90s`, `15m`, `1h`, `7d`. */
export function parseTtl(value: string | number | undefined): number {
  if (value === undefined) return 3600;
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else {
    const m = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
    if (m === null) throw new ConfigError('--ttl', `--ttl must be a number of seconds or use an s/m/h/d suffix (got "${value}")`);
    const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    seconds = Number(m[1]) * unit;
  }
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > MAX_TTL_SECONDS) {
    throw new ConfigError('--ttl', `--ttl must be between 1 second and 30 days`);
  }
  return seconds;
}
