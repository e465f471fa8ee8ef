import { AuthError, type Principal } from '../../principal.js';
import { OAuthProxy } from '../proxy.js';
import type { FetchImpl, OAuthProxyOptions } from '../options.js';
import { ApiTokenVerifier } from './http-verifier.js';

type Common = Omit<
  OAuthProxyOptions,
  | 'upstreamAuthorizationEndpoint'
  | 'upstreamTokenEndpoint'
  | 'upstreamRevocationEndpoint'
  | 'upstreamClientId'
  | 'upstreamClientSecret'
  | 'tokenVerifier'
  | 'upstreamDiscoveryUrl'
>;

export interface GitHubProviderOptions extends Common {
  readonly clientId: string;
  readonly clientSecret: string;
  /** GitHub scopes requested upstream. Default `read:user`. */
  readonly githubScopes?: readonly string[] | undefined;
  /** Default https://api.github.com (GitHub Enterprise: https://HOST/api/v3). */
  readonly apiBaseUrl?: string | undefined;
  /** Default https://github.com. */
  readonly webBaseUrl?: string | undefined;
  /** fetch for API calls (tests point it at a fake). */
  readonly fetch?: FetchImpl | undefined;
}

/** GitHub's `X-OAuth-Scopes: repo, read:user` header as a list. */
export function parseGitHubScopes(header: string | null): string[] {
  return (header ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Validates GitHub tokens with `GET /user`; subject is the numeric user id (logins can be renamed). */
export function gitHubTokenVerifier(opts: {
  apiBaseUrl?: string | undefined;
  fetch?: FetchImpl | undefined;
  allowInsecureLoopback?: boolean | undefined;
}): ApiTokenVerifier {
  const api = (opts.apiBaseUrl ?? 'https://api.github.com').replace(/\/$/, '');
  return new ApiTokenVerifier({
    url: `${api}/user`,
    fetch: opts.fetch,
    allowInsecureLoopback: opts.allowInsecureLoopback,
    headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
    toPrincipal: (body, headers): Principal => {
      if (typeof body.id !== 'number' && typeof body.id !== 'string') throw new AuthError('invalid_claims', 'GitHub user has no id');
      const claims = { sub: String(body.id), login: body.login, name: body.name, email: body.email };
      return Object.freeze({
        kind: 'token' as const,
        subject: String(body.id),
        scopes: Object.freeze(parseGitHubScopes(headers.get('x-oauth-scopes'))),
        claims: Object.freeze(claims),
      });
    },
  });
}

/**
 * GitHub OAuth App (or GitHub App) behind the proxy. GitHub tokens are opaque, so they are
 * validated through the API. GitHub has no RFC 7009 endpoint: revocation here ends our grant;
 * users revoke the app itself in their GitHub settings.
 */
export class GitHubProvider extends OAuthProxy {
  constructor(opts: GitHubProviderOptions) {
    const web = (opts.webBaseUrl ?? 'https://github.com').replace(/\/$/, '');
    super({
      ...opts,
      upstreamAuthorizationEndpoint: `${web}/login/oauth/authorize`,
      upstreamTokenEndpoint: `${web}/login/oauth/access_token`,
      upstreamClientId: opts.clientId,
      upstreamClientSecret: opts.clientSecret,
      tokenEndpointAuthMethod: opts.tokenEndpointAuthMethod ?? 'client_secret_post',
      upstreamScopes: [...(opts.githubScopes ?? ['read:user']), ...(opts.upstreamScopes ?? [])],
      upstreamFetch: opts.upstreamFetch ?? opts.fetch,
      // Our scopes are this server's; GitHub grants GitHub scopes. The user approved ours on the consent page.
      // The provider API has rate limits: trust a positive validation for a short while.
      upstreamValidationCacheSeconds: opts.upstreamValidationCacheSeconds ?? 30,
      // Anyone can open an account there, so signing in proves nothing about our scopes:
      // grant only what the operator allows every account (grantScopes) or decides per user.
      grantedScopes: opts.grantedScopes ?? ((requested) => requested.filter((s) => (opts.grantScopes ?? []).includes(s))),
      tokenVerifier: gitHubTokenVerifier({
        apiBaseUrl: opts.apiBaseUrl,
        fetch: opts.fetch,
        allowInsecureLoopback: opts.allowInsecureLoopback,
      }),
    });
  }
}
