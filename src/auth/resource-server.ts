import type { Logger } from '../log.js';
import { ConfigError } from '../errors.js';
import { AuthError, type TokenVerifier } from './principal.js';
import type { AuthOutcome, HttpAuthenticator } from './http.js';

/** What the server tells an auth provider once it knows where it lives. */
export interface AuthBindContext {
  readonly logger: Logger;
  /** The canonical resource URL of the MCP endpoint, `${base}/mcp`. */
  readonly resourceUrl: URL;
  /** Every scope the registry's checks mention, for `scopes_supported` and challenges. */
  readonly knownScopes: readonly string[];
}

/** Something `createMcpServer({ auth })` accepts: binds to the server and yields the HTTP authenticator. */
export interface AuthProvider {
  bind(ctx: AuthBindContext): HttpAuthenticator;
}

export interface ResourceServerOptions {
  readonly verifier: TokenVerifier;
  /** Authorization servers advertised in protected-resource metadata (RFC 9728). */
  readonly authorizationServers?: readonly string[];
  /** Scopes every request needs (checked here, answered with 403 insufficient_scope). */
  readonly requiredScopes?: readonly string[];
  /** Advertised scopes; default: the scopes the server's checks mention. */
  readonly scopesSupported?: readonly string[];
  /** Accept tokens whose audience the verifier does not check. Off by default: such tokens could be replayed from another service. */
  readonly allowAnyAudience?: boolean;
  readonly resourceName?: string;
}

function quote(v: string): string {
  return `"${v.replace(/["\\]/g, '')}"`;
}

const TOKEN_QUERY_PARAMS = ['access_token', 'token', 'bearer', 'id_token'];

/** RFC 9728 path-inserted metadata URL for a resource. */
export function protectedResourceMetadataUrl(resource: URL): URL {
  const path = resource.pathname === '/' ? '' : resource.pathname;
  return new URL(`/.well-known/oauth-protected-resource${path}`, resource.origin);
}

/**
 * OAuth 2.1 resource-server behaviour shared by every provider: bearer token only from the
 * Authorization header, RFC 6750 / MCP challenges, audience binding required, and RFC 9728
 * protected-resource metadata at the path-inserted and root URLs.
 */
export function bindResourceServer(
  opts: ResourceServerOptions,
  ctx: AuthBindContext,
  extraRoute?: HttpAuthenticator['route'],
): HttpAuthenticator {
  const { verifier } = opts;
  const { logger } = ctx;
  if (!verifier.checksAudience && !opts.allowAnyAudience) {
    throw new ConfigError(
      'auth.verifier',
      'the verifier checks no audience, so tokens issued for other services would be accepted. Configure an audience (the resource URL is ' +
        ctx.resourceUrl.href +
        ') or set allowAnyAudience: true',
    );
  }
  const requiredScopes = [...new Set([...(opts.requiredScopes ?? []), ...verifier.requiredScopes])];
  const scopesSupported = [...new Set([...(opts.scopesSupported ?? ctx.knownScopes), ...requiredScopes])];
  const challengeScopes = requiredScopes.length > 0 ? requiredScopes : scopesSupported;
  const prmUrl = protectedResourceMetadataUrl(ctx.resourceUrl);
  const prm = JSON.stringify({
    resource: ctx.resourceUrl.href,
    authorization_servers: opts.authorizationServers ?? [],
    scopes_supported: scopesSupported,
    bearer_methods_supported: ['header'],
    ...(opts.resourceName ? { resource_name: opts.resourceName } : {}),
  });

  const challenge = (
    status: 400 | 401 | 403,
    error: string | undefined,
    description: string | undefined,
    scopes: readonly string[],
  ): Response => {
    const params = [`resource_metadata=${quote(prmUrl.href)}`];
    if (scopes.length > 0) params.push(`scope=${quote(scopes.join(' '))}`);
    if (error) params.push(`error=${quote(error)}`);
    if (description) params.push(`error_description=${quote(description)}`);
    const body = JSON.stringify({ error: error ?? 'unauthorized', ...(description ? { error_description: description } : {}) });
    return new Response(body, {
      status,
      headers: { 'content-type': 'application/json', 'www-authenticate': `Bearer ${params.join(', ')}` },
    });
  };

  const fail = (reason: string, extra: Record<string, unknown> = {}) =>
    logger.warn({ event: 'auth_failed', reason, ...extra }, 'authentication failed');

  return {
    enabled: true,
    async authenticate(request: Request, body?: string): Promise<AuthOutcome> {
      const url = new URL(request.url);
      // RFC 6750 allows tokens in the query and form bodies; MCP forbids it, and they leak into logs.
      const inQuery = TOKEN_QUERY_PARAMS.some((p) => url.searchParams.has(p));
      const inForm =
        (request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded') &&
        body !== undefined &&
        new URLSearchParams(body).has('access_token');
      if (inQuery || inForm) {
        fail('token_in_query');
        return {
          ok: false,
          response: challenge(400, 'invalid_request', 'access tokens are accepted only in the Authorization header', challengeScopes),
        };
      }
      const header = request.headers.get('authorization');
      if (header === null) return { ok: false, response: challenge(401, undefined, undefined, challengeScopes) };
      const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
      if (!m) {
        fail('malformed');
        return { ok: false, response: challenge(401, 'invalid_token', 'malformed Authorization header', challengeScopes) };
      }
      const token = m[1] as string;
      try {
        const principal = await verifier.verify(token);
        const missing = requiredScopes.filter((s) => !principal.scopes.includes(s));
        if (missing.length > 0) {
          fail('insufficient_scope', { sub: principal.subject });
          return {
            ok: false,
            response: challenge(403, 'insufficient_scope', 'the token lacks scopes this server requires', requiredScopes),
          };
        }
        return { ok: true, principal, token };
      } catch (err) {
        if (!(err instanceof AuthError)) {
          logger.error({ err }, 'verifier failed unexpectedly');
          return {
            ok: false,
            response: new Response(JSON.stringify({ error: 'temporarily_unavailable' }), {
              status: 503,
              headers: { 'content-type': 'application/json', 'retry-after': '5' },
            }),
          };
        }
        fail(err.reason);
        if (err.status === 503) {
          return {
            ok: false,
            response: new Response(
              JSON.stringify({ error: 'temporarily_unavailable', error_description: 'token verification is unavailable' }),
              { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '5' } },
            ),
          };
        }
        if (err.status === 403)
          return {
            ok: false,
            response: challenge(
              403,
              'insufficient_scope',
              'the token lacks required scopes',
              err.requiredScopes.length ? err.requiredScopes : requiredScopes,
            ),
          };
        return { ok: false, response: challenge(401, 'invalid_token', describe(err.reason), challengeScopes) };
      }
    },
    insufficientScope(scopes) {
      return challenge(403, 'insufficient_scope', 'this operation needs more scopes', scopes);
    },
    async route(request, url, info) {
      if (request.method === 'GET' && (url.pathname === prmUrl.pathname || url.pathname === '/.well-known/oauth-protected-resource')) {
        return new Response(prm, { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' } });
      }
      return extraRoute ? extraRoute(request, url, info) : undefined;
    },
  };
}

/** Client-facing text per failure class: says what kind of problem, never echoes the token. */
function describe(reason: AuthError['reason']): string {
  switch (reason) {
    case 'expired':
      return 'the token has expired';
    case 'not_yet_valid':
      return 'the token is not valid yet';
    case 'wrong_audience':
      return 'the token was not issued for this resource';
    case 'wrong_issuer':
      return 'the token issuer is not trusted';
    case 'inactive':
      return 'the token is not active';
    default:
      return 'the token is invalid';
  }
}

/** Token Verification: a verifier in front of the server, nothing else. */
export function tokenAuth(verifier: TokenVerifier, opts: Omit<ResourceServerOptions, 'verifier'> = {}): AuthProvider {
  return { bind: (ctx) => bindResourceServer({ ...opts, verifier }, ctx) };
}
