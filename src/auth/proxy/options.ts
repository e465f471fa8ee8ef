import type { JWK } from 'jose';
import { ConfigError } from '../../errors.js';
import type { Store } from '../../storage/index.js';
import type { TokenVerifier } from '../principal.js';
import { requireHttps, requireHttpsUnlessLoopback } from '../../net/url-policy.js';
import { cookiePolicy, type CookiePolicy } from './cookies.js';
import { parseRedirectPattern, type RedirectPattern } from './redirect-uris.js';

export type ConsentMode = 'always' | 'remember' | false;
export type FetchImpl = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface OAuthProxyOptions {
  /** Required unless upstreamDiscoveryUrl is set. */
  readonly upstreamAuthorizationEndpoint?: string | undefined;
  /** Required unless upstreamDiscoveryUrl is set. */
  readonly upstreamTokenEndpoint?: string | undefined;
  readonly upstreamRevocationEndpoint?: string | undefined;
  /** The upstream issuer, when it sends RFC 9207 `iss` on redirects (OIDC providers); checked at the callback. */
  readonly upstreamIssuer?: string | undefined;
  /** JWKS of the upstream, for validating ID tokens it returns (requesting `openid` without discovery). */
  readonly upstreamJwksUri?: string | undefined;
  /**
   * OIDC discovery URL (issuer, or its `/.well-known/openid-configuration`). When set, the
   * upstream endpoints come from discovery and the endpoint options are ignored.
   */
  readonly upstreamDiscoveryUrl?: string | undefined;
  /** Extra client metadata for the upstream client (e.g. `id_token_signed_response_alg`). */
  readonly upstreamClientMetadata?: Readonly<Record<string, string>> | undefined;
  readonly upstreamClientId: string;
  readonly upstreamClientSecret: string;
  /** How the proxy authenticates to the upstream token endpoint. Default client_secret_basic. */
  readonly tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | undefined;
  /** Validates upstream access tokens (JwtVerifier on the upstream JWKS, GitHub's API, introspection). */
  readonly tokenVerifier: TokenVerifier;
  /**
   * Public URL of this server (issuer of our tokens). https; or, for local development, plain
   * http on a loopback host (`http://localhost:3000`, `http://127.0.0.1:3000`, `http://[::1]:3000`),
   * which logs a warning at start and uses non-`__Host-` cookies without Secure.
   */
  readonly baseUrl: string;
  /** Upstream callback path, registered at the provider as `${baseUrl}${redirectPath}`. Default `/auth/callback`. */
  readonly redirectPath?: string | undefined;
  /** Patterns (parsed by component) client redirect URIs must match. Default: loopback and https. `[]` blocks all. */
  readonly allowedClientRedirectUris?: readonly (string | RedirectPattern)[] | undefined;
  /** Use PKCE toward the upstream too. Default true. */
  readonly forwardPkce?: boolean | undefined;
  /** Scopes clients may request. Default: the scopes the server's checks mention. */
  readonly validScopes?: readonly string[] | undefined;
  /** Scopes always requested upstream in addition to the client's (for example `openid email`). */
  readonly upstreamScopes?: readonly string[] | undefined;
  readonly extraAuthorizeParams?: Readonly<Record<string, string>> | undefined;
  /** Consent page before going upstream. Default 'always'. */
  readonly consent?: ConsentMode | undefined;
  /** A store opened with PROXY_STORE_SECURITY (see createProxyStore). */
  readonly storage: Store;
  /** Our ES256 private JWK. Default: generated once and kept encrypted in the store. */
  readonly signingKey?: JWK | undefined;
  /** Lifetime of our access tokens. Default 3600. */
  readonly accessTokenTtlSeconds?: number | undefined;
  /** Lifetime of our refresh tokens (sliding: every rotation restarts it). Default 30 days. */
  readonly refreshTokenTtlSeconds?: number | undefined;
  /** How long a rotated refresh token still yields the same new pair (parallel retries). Default 15. */
  readonly refreshGraceSeconds?: number | undefined;
  /** Dynamically registered clients expire after this long unused. Default 30 days. */
  readonly clientTtlSeconds?: number | undefined;
  /**
   * Trust a successful upstream token validation for this long (stored by token hash), so a busy
   * session does not call the provider's API on every request. Default 0: validate every time.
   * Our own revocation is always immediate; an upstream-side revocation is noticed within this delay.
   */
  readonly upstreamValidationCacheSeconds?: number | undefined;
  /** TEST ONLY: http upstream endpoints on loopback, and CIMD documents served from loopback. Not needed for an http loopback baseUrl. */
  readonly allowInsecureLoopback?: boolean | undefined;
  /** fetch used for upstream token, refresh and revocation calls (tests, benchmarks, egress proxies). */
  readonly upstreamFetch?: FetchImpl | undefined;
  readonly resourceName?: string | undefined;
  /** Provider hook: our scope names as sent upstream (Azure prefixes its identifier URI). */
  readonly translateScopes?: ((scopes: readonly string[]) => string[]) | undefined;
  /**
   * Which requested scopes to grant, given the upstream's `scope` answer and who signed in.
   * Default: when the upstream names its granted scopes, only requested scopes it granted.
   * GitHub and Google grant nothing of ours by default: see `grantScopes`.
   */
  readonly grantedScopes?:
    | ((
        requested: readonly string[],
        upstreamScope: string | undefined,
        identity: { readonly subject: string },
      ) => string[] | Promise<string[]>)
    | undefined;
  /**
   * For providers whose own scopes are unrelated to this server's (GitHub, Google): the scopes
   * ANY account that signs in there may receive. Default: none, because anyone can create such
   * an account. Use `grantedScopes` to decide per user.
   */
  readonly grantScopes?: readonly string[] | undefined;
  /**
   * Requests per minute per client address on the public endpoints (counted in the Store, so
   * shared by all instances). `false` turns limiting off. Behind a reverse proxy set
   * `http.trustProxy` so the real client address is used. Defaults: DEFAULT_RATE_LIMITS.
   */
  readonly rateLimits?: false | Partial<Record<'register' | 'authorize' | 'consent' | 'callback' | 'token' | 'revoke', number>> | undefined;
}

export interface ResolvedProxyOptions {
  readonly raw: OAuthProxyOptions;
  readonly issuer: string;
  readonly baseUrl: URL;
  /** Path prefix of baseUrl without trailing slash ('' at the root). */
  readonly basePath: string;
  readonly callbackUrl: string;
  readonly redirectPath: string;
  readonly patterns: readonly RedirectPattern[] | undefined;
  readonly consent: ConsentMode;
  readonly forwardPkce: boolean;
  readonly accessTtl: number;
  readonly refreshTtl: number;
  readonly graceSeconds: number;
  readonly clientTtl: number;
  readonly allowInsecureLoopback: boolean;
  readonly validationCache: number;
  /** Cookie names and attributes for this base URL (`__Host-` and Secure over https). */
  readonly cookies: CookiePolicy;
}

/** Validates options at construction, naming the option at fault. */
export function resolveProxyOptions(o: OAuthProxyOptions): ResolvedProxyOptions {
  if (typeof o !== 'object' || o === null) throw new ConfigError('options', 'expected an options object');
  const insecure = o.allowInsecureLoopback === true;
  const baseUrl = requireHttpsUnlessLoopback('baseUrl', o.baseUrl);
  if (baseUrl.search || baseUrl.hash) throw new ConfigError('baseUrl', 'must not contain a query or fragment');
  if (o.upstreamDiscoveryUrl !== undefined) requireHttps('upstreamDiscoveryUrl', o.upstreamDiscoveryUrl, insecure);
  else {
    requireHttps('upstreamAuthorizationEndpoint', o.upstreamAuthorizationEndpoint, insecure);
    requireHttps('upstreamTokenEndpoint', o.upstreamTokenEndpoint, insecure);
  }
  if (o.upstreamJwksUri !== undefined) requireHttps('upstreamJwksUri', o.upstreamJwksUri, insecure);
  if (o.upstreamRevocationEndpoint !== undefined) requireHttps('upstreamRevocationEndpoint', o.upstreamRevocationEndpoint, insecure);
  if (o.upstreamIssuer !== undefined) requireHttps('upstreamIssuer', o.upstreamIssuer, insecure);
  nonEmpty('upstreamClientId', o.upstreamClientId);
  nonEmpty('upstreamClientSecret', o.upstreamClientSecret);
  if (!o.tokenVerifier || typeof o.tokenVerifier.verify !== 'function')
    throw new ConfigError('tokenVerifier', 'a TokenVerifier for upstream access tokens is required');
  if (!o.storage || typeof o.storage.take !== 'function') throw new ConfigError('storage', 'a Store is required (see createProxyStore)');
  if (
    o.tokenEndpointAuthMethod !== undefined &&
    o.tokenEndpointAuthMethod !== 'client_secret_basic' &&
    o.tokenEndpointAuthMethod !== 'client_secret_post'
  ) {
    throw new ConfigError('tokenEndpointAuthMethod', 'expected client_secret_basic or client_secret_post');
  }
  if (
    o.signingKey !== undefined &&
    (typeof o.signingKey !== 'object' ||
      o.signingKey === null ||
      o.signingKey.kty !== 'EC' ||
      o.signingKey.crv !== 'P-256' ||
      typeof o.signingKey.d !== 'string')
  ) {
    throw new ConfigError('signingKey', 'expected a private ES256 JWK (kty EC, crv P-256, with d)');
  }
  const consent = o.consent ?? 'always';
  if (consent !== 'always' && consent !== 'remember' && consent !== false)
    throw new ConfigError('consent', "expected 'always', 'remember' or false");
  const redirectPath = o.redirectPath ?? '/auth/callback';
  if (!/^\/[A-Za-z0-9/_.-]*$/.test(redirectPath) || redirectPath.includes('..'))
    throw new ConfigError('redirectPath', 'expected an absolute path such as /auth/callback');
  let patterns: RedirectPattern[] | undefined;
  if (o.allowedClientRedirectUris !== undefined) {
    if (!Array.isArray(o.allowedClientRedirectUris)) throw new ConfigError('allowedClientRedirectUris', 'expected a list of patterns');
    patterns = o.allowedClientRedirectUris.map((p, i) => {
      if (typeof p !== 'string') return p;
      try {
        return parseRedirectPattern(p);
      } catch (err) {
        throw new ConfigError(`allowedClientRedirectUris[${i}]`, (err as Error).message);
      }
    });
  }
  if (consent === false && patterns === undefined) {
    throw new ConfigError(
      'consent',
      "consent: false lets any client that registers itself (DCR or a metadata document) receive a signed-in user's authorization silently (confused deputy). Keep consent on, or set allowedClientRedirectUris to the clients you trust",
    );
  }
  for (const s of [...(o.validScopes ?? []), ...(o.grantScopes ?? [])])
    if (typeof s !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))
      throw new ConfigError(o.validScopes?.includes(s) ? 'validScopes' : 'grantScopes', `"${String(s)}" is not a valid scope token`);
  const basePath = baseUrl.pathname.replace(/\/$/, '');
  return {
    raw: o,
    issuer: `${baseUrl.origin}${basePath}`,
    baseUrl,
    basePath,
    callbackUrl: `${baseUrl.origin}${basePath}${redirectPath}`,
    redirectPath: `${basePath}${redirectPath}`,
    patterns,
    consent,
    forwardPkce: o.forwardPkce ?? true,
    accessTtl: seconds('accessTokenTtlSeconds', o.accessTokenTtlSeconds, 3600, 60, 86_400),
    refreshTtl: seconds('refreshTokenTtlSeconds', o.refreshTokenTtlSeconds, 30 * 86_400, 300, 400 * 86_400),
    graceSeconds: seconds('refreshGraceSeconds', o.refreshGraceSeconds, 15, 0, 60),
    clientTtl: seconds('clientTtlSeconds', o.clientTtlSeconds, 30 * 86_400, 3600, 400 * 86_400),
    allowInsecureLoopback: insecure,
    validationCache: seconds('upstreamValidationCacheSeconds', o.upstreamValidationCacheSeconds, 0, 0, 3600),
    cookies: cookiePolicy(baseUrl),
  };
}

function nonEmpty(option: string, v: unknown): void {
  if (typeof v !== 'string' || v.trim() === '') throw new ConfigError(option, 'is required');
}

function seconds(option: string, v: number | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new ConfigError(option, `expected a number of seconds between ${min} and ${max}`);
  return v;
}
