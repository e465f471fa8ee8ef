import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthError, type Principal, type TokenVerifier } from '../principal.js';
import { requireScopes } from './claims.js';
import { ConfigError } from '../../errors.js';

export interface StaticTokenEntry {
  readonly sub: string;
  readonly clientId?: string | undefined;
  readonly scopes?: readonly string[] | undefined;
  /** Seconds since the epoch. */
  readonly expiresAt?: number | undefined;
}

export interface WarnLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface StaticTokenVerifierOptions {
  readonly tokens: Readonly<Record<string, StaticTokenEntry>>;
  readonly requiredScopes?: readonly string[] | undefined;
  /** Static tokens are refused under NODE_ENV=production unless this is set. */
  readonly allowInProduction?: boolean | undefined;
  /** Receives the "development only" warning. Default: one line on stderr. */
  readonly logger?: WarnLogger | undefined;
  /** For tests: environment to read NODE_ENV from, and clock (ms). */
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly clock?: (() => number) | undefined;
}

interface Entry {
  readonly digest: Buffer;
  readonly principal: Principal;
}

const stderrLogger: WarnLogger = {
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', ...obj, msg })}\n`),
};

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Fixed bearer tokens, for development and tests.
 *
 * `checksAudience` is true: a static token is only ever valid at the server
 * whose configuration lists it, so it cannot be replayed from (or to) another
 * resource the way a JWT for a shared identity provider can. The property
 * audience binding gives JWTs holds here by construction.
 */
export class StaticTokenVerifier implements TokenVerifier {
  readonly checksAudience = true;
  readonly requiredScopes: readonly string[];
  readonly #entries: readonly Entry[];
  readonly #clock: () => number;

  constructor(opts: StaticTokenVerifierOptions) {
    const env = opts.env ?? process.env;
    if (env['NODE_ENV'] === 'production' && opts.allowInProduction !== true) {
      throw new ConfigError(
        'tokens',
        'StaticTokenVerifier is for development only and refuses to run with NODE_ENV=production (pass allowInProduction: true to override)',
      );
    }
    const entries: Entry[] = [];
    let shortTokens = 0;
    for (const [token, entry] of Object.entries(opts.tokens)) {
      if (token === '') throw new ConfigError('tokens', 'static tokens must not be empty');
      // Short tokens are guessable; warn (never echoing the token) rather than refuse, this is a dev tool.
      if (token.length < 16) shortTokens += 1;
      if (typeof entry.sub !== 'string' || entry.sub === '') throw new ConfigError('tokens', 'every static token needs a non-empty sub');
      entries.push({ digest: sha256(token), principal: toPrincipal(entry) });
    }
    if (entries.length === 0) throw new ConfigError('tokens', 'StaticTokenVerifier needs at least one token');
    this.#entries = entries;
    this.requiredScopes = Object.freeze([...(opts.requiredScopes ?? [])]);
    this.#clock = opts.clock ?? Date.now;
    (opts.logger ?? stderrLogger).warn(
      { verifier: 'static', tokens: entries.length, shortTokens },
      'StaticTokenVerifier is enabled: fixed bearer tokens are for development only, do not use it in production',
    );
  }

  verify(token: string): Promise<Principal> {
    // Hash first so every comparison is over 32 bytes: timingSafeEqual needs
    // equal lengths, and comparing digests does not leak the token's length.
    // Every entry is compared, so timing does not reveal which one matched.
    const digest = sha256(typeof token === 'string' ? token : '');
    let match: Principal | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(digest, entry.digest)) match = entry.principal;
    }
    if (match === undefined) return Promise.reject(new AuthError('inactive', 'token is not recognised'));
    if (match.expiresAt !== undefined && match.expiresAt * 1000 <= this.#clock()) {
      return Promise.reject(new AuthError('expired', 'token has expired'));
    }
    try {
      requireScopes(match.scopes, this.requiredScopes);
    } catch (err) {
      return Promise.reject(err);
    }
    return Promise.resolve(match);
  }
}

function toPrincipal(entry: StaticTokenEntry): Principal {
  const scopes = Object.freeze([...(entry.scopes ?? [])]);
  const claims: Record<string, unknown> = { sub: entry.sub, scope: scopes.join(' ') };
  if (entry.clientId !== undefined) claims['client_id'] = entry.clientId;
  if (entry.expiresAt !== undefined) claims['exp'] = entry.expiresAt;
  return Object.freeze({
    kind: 'token' as const,
    subject: entry.sub,
    clientId: entry.clientId,
    scopes,
    claims: Object.freeze(claims),
    expiresAt: entry.expiresAt,
  });
}
