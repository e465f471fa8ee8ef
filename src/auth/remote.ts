import { ConfigError } from '../errors.js';
import { requireHttps } from '../net/url-policy.js';
import { SafeFetchError, safeFetch } from '../net/safe-fetch.js';
import type { TokenVerifier } from './principal.js';
import { bindResourceServer, type AuthBindContext, type AuthProvider, type ResourceServerOptions } from './resource-server.js';
import type { HttpAuthenticator } from './http.js';

export interface RemoteAuthProviderOptions extends Omit<ResourceServerOptions, 'verifier' | 'authorizationServers'> {
  readonly verifier: TokenVerifier;
  /** The identity providers clients should use (they register and log in there; DCR or CIMD). */
  readonly authorizationServers: readonly string[];
  /**
   * Also answer `/.well-known/oauth-authorization-server` with the first authorization server's
   * metadata, for clients that look for it on the resource's origin. Fetched SSRF-safely and cached.
   */
  readonly forwardAuthorizationServerMetadata?: boolean;
  /** Development only: allow http and loopback authorization servers. */
  readonly allowInsecureLoopback?: boolean;
  /** How long forwarded metadata is cached. Default 10 minutes. */
  readonly metadataTtlSeconds?: number;
}

/**
 * Remote OAuth (FastMCP's RemoteAuthProvider): tokens come from identity providers that
 * support dynamic registration themselves; this server verifies them and publishes RFC 9728
 * protected-resource metadata pointing clients at those providers.
 */
export class RemoteAuthProvider implements AuthProvider {
  constructor(private readonly opts: RemoteAuthProviderOptions) {
    if (opts.authorizationServers.length === 0) throw new ConfigError('authorizationServers', 'list at least one authorization server');
    for (const as of opts.authorizationServers) requireHttps('authorizationServers', as, opts.allowInsecureLoopback === true);
  }

  bind(ctx: AuthBindContext): HttpAuthenticator {
    const forward = this.opts.forwardAuthorizationServerMetadata ? this.metadataForwarder(ctx) : undefined;
    return bindResourceServer({ ...this.opts, authorizationServers: this.opts.authorizationServers }, ctx, forward);
  }

  private metadataForwarder(ctx: AuthBindContext): HttpAuthenticator['route'] {
    const issuer = new URL(this.opts.authorizationServers[0] as string);
    const issuerPath = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/$/, '');
    // RFC 8414 path-inserted first, then OIDC discovery.
    const candidates = [
      new URL(`/.well-known/oauth-authorization-server${issuerPath}`, issuer.origin),
      new URL(`${issuer.origin}${issuerPath}/.well-known/openid-configuration`),
    ];
    const ttlMs = (this.opts.metadataTtlSeconds ?? 600) * 1000;
    let cached: { body: string; until: number } | undefined;
    // After a failed fetch, answer 502 for a while instead of letting every request fetch again.
    let failedUntil = 0;
    let inflight: Promise<string | undefined> | undefined;
    const load = async (): Promise<string | undefined> => {
      for (const url of candidates) {
        try {
          const res = await safeFetch(url, { allowLoopback: this.opts.allowInsecureLoopback ?? false, maxBytes: 256 * 1024 });
          if (res.status !== 200) continue;
          const doc = JSON.parse(res.body) as { issuer?: unknown };
          // A metadata document for another issuer would send clients elsewhere (RFC 8414 §3.3).
          if (typeof doc.issuer !== 'string' || doc.issuer.replace(/\/$/, '') !== issuer.href.replace(/\/$/, '')) continue;
          return JSON.stringify(doc);
        } catch (err) {
          ctx.logger.warn(
            { event: 'as_metadata_fetch_failed', code: err instanceof SafeFetchError ? err.code : 'PARSE' },
            'could not fetch authorization server metadata',
          );
        }
      }
      return undefined;
    };
    return async (request, url) => {
      if (request.method !== 'GET' || url.pathname !== '/.well-known/oauth-authorization-server') return undefined;
      if ((!cached || cached.until < Date.now()) && failedUntil < Date.now()) {
        inflight ??= load().finally(() => (inflight = undefined));
        const body = await inflight;
        if (body) cached = { body, until: Date.now() + ttlMs };
        else failedUntil = Date.now() + 30_000;
      }
      if (!cached)
        return new Response(JSON.stringify({ error: 'temporarily_unavailable' }), {
          status: 502,
          headers: { 'content-type': 'application/json' },
        });
      return new Response(cached.body, {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
      });
    };
  }
}
