import { StoreError } from '../../storage/index.js';
import { AuthError, type Principal, type TokenVerifier } from '../principal.js';
import { bindResourceServer, type AuthBindContext, type AuthProvider } from '../resource-server.js';
import type { HttpAuthenticator } from '../http.js';
import { JwtVerifier } from '../verifiers/jwt.js';
import { handleAuthorize } from './authorize.js';
import { handleCallback } from './callback.js';
import { handleConsentGet, handleConsentPost } from './consent.js';
import type { ProxyContext } from './context.js';
import { OAuthError, jsonResponse, oauthErrorResponse } from './errors.js';
import { loadGrant } from './grants.js';
import { loadKeys } from './keys.js';
import { authorizationServerMetadata, metadataPaths } from './metadata.js';
import { resolveProxyOptions, type OAuthProxyOptions, type ResolvedProxyOptions } from './options.js';
import { handleRegister } from './register.js';
import { handleRevoke } from './revoke.js';
import { assertStoreSecurity } from './store.js';
import { DEFAULT_RATE_LIMITS, rateLimited, type LimitedEndpoint } from './rate-limit.js';
import { handleToken } from './token.js';
import { UpstreamClient } from './upstream.js';
import { ensureUpstream } from './upstream-session.js';

/** What tools find on `ctx.auth.extra` for a caller authenticated through the proxy. */
export interface ProxyPrincipalExtra {
  readonly upstream: {
    readonly accessToken: string;
    readonly tokenType: string;
    readonly expiresAt?: number | undefined;
    readonly scope?: string | undefined;
    readonly subject: string;
  };
  readonly grantId: string;
}

/**
 * OAuth proxy: an authorization server toward MCP clients (DCR, CIMD, PKCE, consent, our own
 * tokens), and ONE confidential client with one fixed callback toward an upstream provider
 * (GitHub, Google, Azure, any OIDC provider) that offers no dynamic registration.
 */
export class OAuthProxy implements AuthProvider {
  readonly options: ResolvedProxyOptions;
  /** The most recent binding's context loader (each bind has its own resource URL). */
  #ready: (() => Promise<ProxyContext>) | undefined;
  #warnedInsecure = false;

  constructor(options: OAuthProxyOptions) {
    this.options = resolveProxyOptions(options);
  }

  /** The shared context once bound and initialised (keys loaded, store checked). For tests and tooling. */
  context(): Promise<ProxyContext> {
    if (!this.#ready) throw new Error('OAuthProxy is not bound to a server yet');
    return this.#ready();
  }

  bind(bctx: AuthBindContext): HttpAuthenticator {
    const opts = this.options;
    if (!opts.cookies.secure && !this.#warnedInsecure) {
      this.#warnedInsecure = true;
      bctx.logger.warn(
        { event: 'oauth_proxy_insecure_base_url', baseUrl: opts.issuer },
        `OAuth proxy on plain http (${opts.issuer}): for local development only. Tokens and cookies travel unencrypted and cookies are not Secure; use an https base URL anywhere else`,
      );
    }
    const validScopes = [...(opts.raw.validScopes ?? bctx.knownScopes)];
    const base = opts.basePath;
    const paths = {
      authorize: `${base}/authorize`,
      token: `${base}/token`,
      register: `${base}/register`,
      revoke: `${base}/revoke`,
      consent: `${base}/consent`,
      callback: opts.redirectPath,
    };
    const init = async (): Promise<ProxyContext> => {
      await assertStoreSecurity(opts.raw.storage);
      const keys = await loadKeys(opts.raw.storage, opts.raw.signingKey);
      const upstream = await UpstreamClient.create(opts);
      const accessVerifier = new JwtVerifier({
        publicKey: keys.publicJwk,
        issuer: opts.issuer,
        audience: bctx.resourceUrl.href,
        algorithms: ['ES256'],
        typ: 'at+jwt',
      });
      return {
        opts,
        store: opts.raw.storage,
        keys,
        upstream,
        resourceUrl: bctx.resourceUrl,
        validScopes,
        logger: bctx.logger,
        upstreamVerifier: opts.raw.tokenVerifier,
        accessVerifier,
        paths,
      };
    };
    let loading: Promise<ProxyContext> | undefined;
    const ready = (): Promise<ProxyContext> => {
      // A failed start (store down, discovery unreachable) is retried on the next request.
      loading ??= init().catch((err: unknown) => {
        loading = undefined;
        throw err;
      });
      return loading;
    };
    this.#ready = ready;
    void ready().catch((err: unknown) => bctx.logger.error({ err }, 'OAuth proxy failed to initialise'));

    const verifier: TokenVerifier = {
      checksAudience: true,
      requiredScopes: [],
      verify: async (token) => verifyAccess(await ready(), token),
    };
    const metadataAt = new Set(metadataPaths(base));
    const metadata = JSON.stringify(authorizationServerMetadata({ opts, validScopes }));

    const limits = opts.raw.rateLimits === false ? undefined : { ...DEFAULT_RATE_LIMITS, ...opts.raw.rateLimits };
    const limitedAs: Record<string, LimitedEndpoint> = {
      [paths.register]: 'register',
      [paths.authorize]: 'authorize',
      [paths.consent]: 'consent',
      [paths.callback]: 'callback',
      [paths.token]: 'token',
      [paths.revoke]: 'revoke',
    };
    const route = async (request: Request, url: URL, info?: { clientAddress?: string | undefined }): Promise<Response | undefined> => {
      const p = url.pathname;
      const m = request.method;
      if (metadataAt.has(p))
        return m === 'GET' ? jsonResponse(JSON.parse(metadata), 200, { 'cache-control': 'public, max-age=300' }) : notAllowed('GET');
      const handlers: Record<string, Partial<Record<string, (c: ProxyContext) => Promise<Response>>>> = {
        [paths.authorize]: { GET: (c) => handleAuthorize(c, request, url) },
        [paths.token]: { POST: (c) => handleToken(c, request) },
        [paths.register]: { POST: (c) => handleRegister(c, request) },
        [paths.revoke]: { POST: (c) => handleRevoke(c, request) },
        [paths.consent]: { GET: (c) => handleConsentGet(c, request, url), POST: (c) => handleConsentPost(c, request) },
        [paths.callback]: { GET: (c) => handleCallback(c, request, url) },
      };
      const byMethod = handlers[p];
      if (!byMethod) return undefined;
      const handler = byMethod[m];
      if (!handler) return notAllowed(Object.keys(byMethod).join(', '));
      try {
        const endpoint = limitedAs[p];
        if (limits && endpoint) {
          const tooMany = await rateLimited(opts.raw.storage, limits, endpoint, info?.clientAddress);
          if (tooMany) {
            bctx.logger.warn({ event: 'rate_limited', endpoint, client: info?.clientAddress }, 'rate limit reached');
            return tooMany;
          }
        }
        return await handler(await ready());
      } catch (err) {
        if (err instanceof OAuthError) return oauthErrorResponse(err);
        if (err instanceof StoreError && (err.code === 'STORE_UNAVAILABLE' || err.code === 'STORE_TIMEOUT')) {
          bctx.logger.error({ err }, 'store unavailable');
          return jsonResponse({ error: 'temporarily_unavailable', error_description: 'try again later' }, 503, { 'retry-after': '5' });
        }
        throw err;
      }
    };
    return bindResourceServer(
      { verifier, authorizationServers: [opts.issuer], scopesSupported: validScopes, resourceName: opts.raw.resourceName },
      bctx,
      route,
    );
  }
}

function notAllowed(allow: string): Response {
  return jsonResponse({ error: 'invalid_request', error_description: 'method not allowed' }, 405, { allow });
}

/**
 * Our access token → principal: the JWT (signature, iss, aud = this resource, exp), then its
 * grant (gone = revoked), then the upstream token (validated, refreshed when expired), which
 * tools reach as `ctx.auth.extra.upstream.accessToken`.
 */
async function verifyAccess(ctx: ProxyContext, token: string): Promise<Principal> {
  const principal = await ctx.accessVerifier.verify(token);
  const gid = principal.claims.gid;
  if (typeof gid !== 'string') throw new AuthError('invalid_claims', 'token names no grant');
  const grant = await loadGrant(ctx, gid);
  if (!grant || grant.clientId !== principal.clientId || grant.subject !== principal.subject || grant.resource !== ctx.resourceUrl.href)
    throw new AuthError('inactive', 'the grant was revoked');
  const { grant: g, subject: upstreamSubject } = await ensureUpstream(ctx, grant);
  const extra: ProxyPrincipalExtra = {
    upstream: {
      accessToken: g.upstream.accessToken,
      tokenType: g.upstream.tokenType,
      expiresAt: g.upstream.expiresAt,
      scope: g.upstream.scope,
      subject: upstreamSubject,
    },
    grantId: g.id,
  };
  return Object.freeze({ ...principal, extra: Object.freeze(extra) });
}
