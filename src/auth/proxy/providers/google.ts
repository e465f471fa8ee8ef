import { AuthError, type Principal } from '../../principal.js';
import type { FetchImpl } from '../options.js';
import { OidcProxy, type OidcProxyOptions } from './oidc.js';
import { ApiTokenVerifier } from './http-verifier.js';

export const GOOGLE_ISSUER = 'https://accounts.google.com';

export interface GoogleProviderOptions extends Omit<OidcProxyOptions, 'configUrl'> {
  /** Google scopes requested upstream. Default `openid email profile`. */
  readonly googleScopes?: readonly string[] | undefined;
  /** Default https://openidconnect.googleapis.com/v1/userinfo. */
  readonly userinfoUrl?: string | undefined;
  /** Default https://accounts.google.com (tests point it at a local provider). */
  readonly issuer?: string | undefined;
}

/** Google access tokens are opaque: validated with the userinfo endpoint; subject is Google's `sub`. */
export function googleTokenVerifier(opts: {
  userinfoUrl?: string | undefined;
  fetch?: FetchImpl | undefined;
  allowInsecureLoopback?: boolean | undefined;
}): ApiTokenVerifier {
  return new ApiTokenVerifier({
    url: opts.userinfoUrl ?? 'https://openidconnect.googleapis.com/v1/userinfo',
    fetch: opts.fetch,
    allowInsecureLoopback: opts.allowInsecureLoopback,
    toPrincipal: (body): Principal => {
      if (typeof body.sub !== 'string') throw new AuthError('invalid_claims', 'userinfo has no sub');
      return Object.freeze({
        kind: 'token' as const,
        subject: body.sub,
        scopes: Object.freeze([]) as readonly string[],
        claims: Object.freeze({ ...body }),
      });
    },
  });
}

/**
 * Google (OIDC, issuer https://accounts.google.com). Asks for offline access so Google issues a
 * refresh token; Google's scope names are not ours, so granted scopes are what the user approved.
 */
export class GoogleProvider extends OidcProxy {
  constructor(opts: GoogleProviderOptions) {
    const issuer = opts.issuer ?? GOOGLE_ISSUER;
    super({
      ...opts,
      configUrl: `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
      upstreamScopes: [...(opts.googleScopes ?? ['openid', 'email', 'profile']), ...(opts.upstreamScopes ?? [])],
      extraAuthorizeParams: { access_type: 'offline', prompt: 'consent', ...(opts.extraAuthorizeParams ?? {}) },
      // The provider API has rate limits: trust a positive validation for a short while.
      upstreamValidationCacheSeconds: opts.upstreamValidationCacheSeconds ?? 30,
      // Anyone can open an account there, so signing in proves nothing about our scopes:
      // grant only what the operator allows every account (grantScopes) or decides per user.
      grantedScopes: opts.grantedScopes ?? ((requested) => requested.filter((s) => (opts.grantScopes ?? []).includes(s))),
      tokenVerifier:
        opts.tokenVerifier ??
        googleTokenVerifier({ userinfoUrl: opts.userinfoUrl, fetch: opts.fetch, allowInsecureLoopback: opts.allowInsecureLoopback }),
    });
  }
}
