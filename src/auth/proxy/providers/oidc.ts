import * as client from 'openid-client';
import { ConfigError } from '../../../errors.js';
import { AuthError, type Principal, type TokenVerifier } from '../../principal.js';
import { JwtVerifier } from '../../verifiers/jwt.js';
import { OAuthProxy } from '../proxy.js';
import type { FetchImpl, OAuthProxyOptions } from '../options.js';

type Common = Omit<
  OAuthProxyOptions,
  | 'upstreamAuthorizationEndpoint'
  | 'upstreamTokenEndpoint'
  | 'upstreamRevocationEndpoint'
  | 'upstreamClientId'
  | 'upstreamClientSecret'
  | 'tokenVerifier'
  | 'upstreamDiscoveryUrl'
  | 'upstreamIssuer'
>;

export interface OidcProxyOptions extends Common {
  /** The provider's issuer or its `/.well-known/openid-configuration` URL. */
  readonly configUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Verifier for upstream access tokens. Default: JWT on the discovered JWKS and issuer. */
  readonly tokenVerifier?: TokenVerifier | undefined;
  /** Expected `aud` of upstream access tokens for the default verifier (optional). */
  readonly upstreamAudience?: string | readonly string[] | undefined;
  readonly fetch?: FetchImpl | undefined;
}

/**
 * Verifies upstream JWT access tokens against the provider's discovered JWKS and issuer. The
 * JwtVerifier is built on first use, after discovery (the proxy constructor is synchronous).
 */
export class DiscoveredJwtVerifier implements TokenVerifier {
  readonly checksAudience: boolean;
  readonly requiredScopes: readonly string[] = [];
  #inner: Promise<JwtVerifier> | undefined;

  constructor(
    private readonly opts: {
      configUrl: string;
      audience?: string | readonly string[] | undefined;
      allowInsecureLoopback?: boolean | undefined;
      fetch?: FetchImpl | undefined;
    },
  ) {
    this.checksAudience = opts.audience !== undefined;
  }

  async verify(token: string): Promise<Principal> {
    this.#inner ??= this.load().catch((err: unknown) => {
      this.#inner = undefined;
      throw new AuthError('verifier_unavailable', 'OIDC discovery failed', { cause: err });
    });
    return (await this.#inner).verify(token);
  }

  private async load(): Promise<JwtVerifier> {
    const f = this.opts.fetch;
    const config = await client.discovery(new URL(this.opts.configUrl), 'verifier', undefined, undefined, {
      ...(this.opts.allowInsecureLoopback ? { execute: [client.allowInsecureRequests] } : {}),
      ...(f ? { [client.customFetch]: (url: string, init: client.CustomFetchOptions) => f(url, init as RequestInit) } : {}),
    });
    const meta = config.serverMetadata();
    if (!meta.jwks_uri) throw new ConfigError('configUrl', 'the provider publishes no jwks_uri; pass a tokenVerifier');
    return new JwtVerifier({
      jwksUri: meta.jwks_uri,
      issuer: meta.issuer,
      audience: this.opts.audience,
      allowInsecureLoopback: this.opts.allowInsecureLoopback,
      fetch: f,
    });
  }
}

/** Any OIDC provider: endpoints from discovery (openid-client), upstream JWTs checked on its JWKS. */
export class OidcProxy extends OAuthProxy {
  constructor(opts: OidcProxyOptions) {
    if (typeof opts.configUrl !== 'string' || opts.configUrl === '') throw new ConfigError('configUrl', 'is required');
    super({
      ...opts,
      upstreamDiscoveryUrl: opts.configUrl,
      upstreamClientId: opts.clientId,
      upstreamClientSecret: opts.clientSecret,
      upstreamFetch: opts.upstreamFetch ?? opts.fetch,
      tokenVerifier:
        opts.tokenVerifier ??
        new DiscoveredJwtVerifier({
          configUrl: opts.configUrl,
          audience: opts.upstreamAudience,
          allowInsecureLoopback: opts.allowInsecureLoopback,
          fetch: opts.fetch,
        }),
    });
  }
}
