import { AuthError, type Principal, type TokenVerifier } from '../principal.js';
import {
  readAudience,
  readScopeClaim,
  readStringArrayClaim,
  readStringClaim,
  requireScopes,
  toList,
  type VerifierEventSink,
} from './claims.js';
import { ConfigError } from '../../errors.js';
import { fetchJson, type FetchLike } from './http.js';
import { IntrospectionCache } from './introspection-cache.js';
import { requireHttps } from '../../net/url-policy.js';

export interface IntrospectionVerifierOptions {
  readonly introspectionUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Default `client_secret_basic`. */
  readonly clientAuthMethod?: 'client_secret_basic' | 'client_secret_post' | undefined;
  readonly requiredScopes?: readonly string[] | undefined;
  /** When set, the response's `aud` must contain one of these (a response without `aud` fails). */
  readonly audience?: string | readonly string[] | undefined;
  /** When set, the response's `iss` must be one of these. */
  readonly issuer?: string | readonly string[] | undefined;
  /** Off by default. Caching means a revoked token keeps working until its entry expires: keep `ttlSeconds` short. */
  readonly cache?: { readonly ttlSeconds?: number | undefined; readonly maxEntries?: number | undefined } | undefined;
  /** HTTP timeout. Default 5000. */
  readonly timeoutMs?: number | undefined;
  /** Skew allowed on `exp`/`nbf` in the response. Default 30. */
  readonly clockToleranceSeconds?: number | undefined;
  readonly allowInsecureLoopback?: boolean | undefined;
  readonly onEvent?: VerifierEventSink | undefined;
  readonly fetch?: FetchLike | undefined;
  readonly clock?: (() => number) | undefined;
}

/** RFC 6750 b64token: what a bearer token may look like on the wire. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_TOKEN_LENGTH = 16 * 1024;

/** Form-urlencodes per RFC 6749 §2.3.1 / Appendix B (WHATWG application/x-www-form-urlencoded). */
function formEncode(value: string): string {
  return new URLSearchParams([['v', value]]).toString().slice(2);
}

/** Verifies opaque (or any) tokens by asking the authorization server (RFC 7662). */
export class IntrospectionVerifier implements TokenVerifier {
  readonly checksAudience: boolean;
  readonly requiredScopes: readonly string[];
  readonly #url: URL;
  readonly #opts: IntrospectionVerifierOptions;
  readonly #audience: string[] | undefined;
  readonly #issuer: string[] | undefined;
  readonly #cache: IntrospectionCache | undefined;
  readonly #inflight = new Map<string, Promise<Principal>>();
  readonly #clock: () => number;
  readonly #toleranceMs: number;
  /** Introspection HTTP calls made (for metrics and tests). */
  requestCount = 0;

  constructor(opts: IntrospectionVerifierOptions) {
    this.#url = requireHttps('introspectionUrl', opts.introspectionUrl, opts.allowInsecureLoopback === true);
    if (typeof opts.clientId !== 'string' || opts.clientId === '')
      throw new ConfigError('clientId', 'clientId is required for introspection');
    if (typeof opts.clientSecret !== 'string' || opts.clientSecret === '')
      throw new ConfigError('clientSecret', 'clientSecret is required for introspection');
    const method = opts.clientAuthMethod ?? 'client_secret_basic';
    if (method !== 'client_secret_basic' && method !== 'client_secret_post') {
      throw new ConfigError('clientAuthMethod', 'clientAuthMethod must be client_secret_basic or client_secret_post');
    }
    this.#opts = { ...opts, clientAuthMethod: method };
    this.#audience = toList(opts.audience);
    this.#issuer = toList(opts.issuer);
    if (this.#audience?.length === 0) throw new ConfigError('audience', 'audience must not be empty');
    if (this.#issuer?.length === 0) throw new ConfigError('issuer', 'issuer must not be empty');
    this.checksAudience = this.#audience !== undefined;
    this.requiredScopes = Object.freeze([...(opts.requiredScopes ?? [])]);
    if (opts.cache !== undefined) {
      const ttl = opts.cache.ttlSeconds ?? 60;
      const max = opts.cache.maxEntries ?? 10_000;
      if (!(ttl > 0)) throw new ConfigError('cache.ttlSeconds', 'cache.ttlSeconds must be positive');
      if (!(max >= 1)) throw new ConfigError('cache.maxEntries', 'cache.maxEntries must be at least 1');
      this.#cache = new IntrospectionCache(ttl, Math.floor(max));
    }
    this.#clock = opts.clock ?? Date.now;
    this.#toleranceMs = (opts.clockToleranceSeconds ?? 30) * 1000;
  }

  async verify(token: string): Promise<Principal> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH || !B64TOKEN.test(token)) {
      throw new AuthError('malformed', 'token is not a well-formed bearer token');
    }
    const key = IntrospectionCache.keyFor(token);
    const cached = this.#cache?.get(key, this.#clock());
    if (cached !== undefined) return cached;
    // Concurrent requests with the same token share one introspection call.
    const pending = this.#inflight.get(key);
    if (pending !== undefined) return pending;
    const run = this.#introspect(token).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, run);
    const principal = await run;
    // Only reached on full success (active, claims valid, scopes present):
    // inactive tokens and scope failures are never cached.
    this.#cache?.set(key, principal, this.#clock());
    return principal;
  }

  async #introspect(token: string): Promise<Principal> {
    const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (this.#opts.clientAuthMethod === 'client_secret_post') {
      form.set('client_id', this.#opts.clientId);
      form.set('client_secret', this.#opts.clientSecret);
    } else {
      const creds = `${formEncode(this.#opts.clientId)}:${formEncode(this.#opts.clientSecret)}`;
      headers['authorization'] = `Basic ${Buffer.from(creds, 'utf8').toString('base64')}`;
    }
    this.requestCount += 1;
    let res: Awaited<ReturnType<typeof fetchJson>>;
    try {
      res = await fetchJson(this.#url, {
        fetch: this.#opts.fetch,
        timeoutMs: this.#opts.timeoutMs ?? 5_000,
        init: { method: 'POST', headers, body: form.toString() },
      });
    } catch (err) {
      this.#emit({ ok: false, error: err instanceof Error ? err.message : 'unknown error' });
      throw err;
    }
    if (res.status !== 200) {
      // 401/403 here means OUR client credentials were refused: a server
      // misconfiguration, not a bad token. 5xx is an outage. Either way the
      // caller's token may be fine, so answer 503, not 401.
      const oauthError = (res.body as { error?: unknown } | undefined)?.error;
      this.#emit({
        ok: false,
        status: res.status,
        error: typeof oauthError === 'string' && /^[a-z_]{1,64}$/.test(oauthError) ? oauthError : undefined,
      });
      throw new AuthError('verifier_unavailable', `introspection endpoint answered ${res.status}`);
    }
    const body = res.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof (body as { active?: unknown }).active !== 'boolean') {
      this.#emit({ ok: false, error: 'response is not an introspection result' });
      throw new AuthError('verifier_unavailable', 'introspection response is not a valid RFC 7662 result');
    }
    const claims = body as Record<string, unknown>;
    this.#emit({ ok: true, active: claims['active'] });
    if (claims['active'] !== true) throw new AuthError('inactive', 'token is not active');
    return this.#toPrincipal(claims);
  }

  #toPrincipal(claims: Record<string, unknown>): Principal {
    const now = this.#clock();
    const exp = claims['exp'];
    if (exp !== undefined && typeof exp !== 'number')
      throw new AuthError('invalid_claims', '"exp" in introspection response is not a number');
    if (typeof exp === 'number' && exp * 1000 + this.#toleranceMs <= now) throw new AuthError('expired', 'token has expired');
    const nbf = claims['nbf'];
    if (typeof nbf === 'number' && nbf * 1000 - this.#toleranceMs > now) throw new AuthError('not_yet_valid', 'token is not valid yet');
    if (this.#issuer !== undefined) {
      const iss = claims['iss'];
      if (typeof iss !== 'string' || !this.#issuer.includes(iss))
        throw new AuthError('wrong_issuer', 'token was issued by an issuer this server does not trust');
    }
    const audience = readAudience(claims);
    let resource: string | undefined;
    if (this.#audience !== undefined) {
      resource = this.#audience.find((a) => audience?.includes(a));
      if (resource === undefined) throw new AuthError('wrong_audience', 'token was issued for a different audience');
    }
    const clientId = readStringClaim(claims, 'client_id');
    const subject = readStringClaim(claims, 'sub') ?? clientId;
    if (subject === undefined) throw new AuthError('invalid_claims', 'introspection response has neither "sub" nor "client_id"');
    const scopes = readScopeClaim(claims);
    const roles = readStringArrayClaim(claims, 'roles');
    requireScopes(scopes, this.requiredScopes);
    return Object.freeze({
      kind: 'token' as const,
      subject,
      clientId,
      scopes: Object.freeze(scopes),
      roles: roles === undefined ? undefined : Object.freeze(roles),
      claims: Object.freeze({ ...claims }),
      expiresAt: typeof exp === 'number' ? exp : undefined,
      audience: audience === undefined ? undefined : Object.freeze(audience),
      resource,
    });
  }

  #emit(fields: Record<string, unknown>): void {
    try {
      this.#opts.onEvent?.({ type: 'introspection', url: `${this.#url.origin}${this.#url.pathname}`, ...fields });
    } catch {
      // A broken logger must not break verification.
    }
  }
}
