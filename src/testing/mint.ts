import { SignJWT } from 'jose';
import type { TestKeyPair } from './keypair.js';

export interface MintTokenOptions {
  readonly sub: string;
  readonly aud: string | string[];
  readonly iss?: string | undefined;
  /** Space-separated string or list; written as the `scope` claim. */
  readonly scope?: string | readonly string[] | undefined;
  /** Lifetime from `iat`. Default 300. */
  readonly ttlSeconds?: number | undefined;
  /** Extra claims (override the registered ones if they collide). */
  readonly claims?: Readonly<Record<string, unknown>> | undefined;
  /** Header `kid`; default the key pair's. */
  readonly kid?: string | undefined;
  /** Header `typ`, e.g. `at+jwt`. */
  readonly typ?: string | undefined;
  /** Seconds since the epoch. */
  readonly nbf?: number | undefined;
  /** Seconds since the epoch; default now. */
  readonly iat?: number | undefined;
}

/** Signs an access token with a test key pair. */
export async function mintToken(keyPair: TestKeyPair, opts: MintTokenOptions): Promise<string> {
  const iat = opts.iat ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    sub: opts.sub,
    aud: opts.aud,
    iat,
    exp: iat + (opts.ttlSeconds ?? 300),
  };
  if (opts.iss !== undefined) payload['iss'] = opts.iss;
  if (opts.nbf !== undefined) payload['nbf'] = opts.nbf;
  if (opts.scope !== undefined) payload['scope'] = typeof opts.scope === 'string' ? opts.scope : opts.scope.join(' ');
  Object.assign(payload, opts.claims);
  const header: { alg: string; kid: string; typ?: string } = { alg: keyPair.alg, kid: opts.kid ?? keyPair.kid };
  if (opts.typ !== undefined) header.typ = opts.typ;
  return new SignJWT(payload).setProtectedHeader(header).sign(keyPair.privateKey);
}
