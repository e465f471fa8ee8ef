import * as client from 'openid-client';
import type { ResolvedProxyOptions } from './options.js';
import { OAuthError } from './errors.js';

/** Upstream tokens as the proxy keeps them (encrypted in the grant record). */
export interface UpstreamTokens {
  readonly accessToken: string;
  readonly tokenType: string;
  readonly refreshToken?: string | undefined;
  /** Seconds since the epoch, when the upstream said. */
  readonly expiresAt?: number | undefined;
  readonly scope?: string | undefined;
  readonly idToken?: string | undefined;
}

/** Why an upstream call failed, without the upstream's own text. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    /** `rejected`: the upstream refused (invalid_grant etc.); `unavailable`: network, timeout, 5xx. */
    readonly kind: 'rejected' | 'unavailable',
    /** The upstream's `error` code when it is a registered OAuth code; never its description. */
    readonly upstreamCode: string | undefined,
  ) {
    super(kind === 'rejected' ? `upstream refused the request${upstreamCode ? ` (${upstreamCode})` : ''}` : 'upstream unavailable');
  }
}

const KNOWN_CODES = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'server_error',
  'temporarily_unavailable',
  'interaction_required',
  'login_required',
  'consent_required',
]);

/** An upstream `error` value as a registered code, or undefined (free text is dropped). */
export function sanitiseUpstreamCode(code: unknown): string | undefined {
  return typeof code === 'string' && KNOWN_CODES.has(code) ? code : undefined;
}

/**
 * The proxy as ONE confidential client of the upstream, with one fixed callback. All protocol
 * work (PKCE, state, RFC 9207 iss, token response validation) is done by openid-client.
 */
export class UpstreamClient {
  readonly hasRevocation: boolean;
  /** Origin of the upstream authorization endpoint (the consent page's form-action allows it). */
  readonly authorizationOrigin: string;

  private constructor(
    private readonly opts: ResolvedProxyOptions,
    readonly config: client.Configuration,
  ) {
    const f = opts.raw.upstreamFetch;
    if (f) this.config[client.customFetch] = (url, init) => f(url, init as RequestInit);
    if (opts.allowInsecureLoopback) client.allowInsecureRequests(this.config);
    // Seconds: a hung provider must not hold a callback or a refresh open indefinitely.
    this.config.timeout = 10;
    const meta = config.serverMetadata();
    this.hasRevocation = typeof meta.revocation_endpoint === 'string';
    this.authorizationOrigin = new URL(meta.authorization_endpoint as string).origin;
  }

  /** From configured endpoints, or (OIDC) from the provider's discovery document. */
  static async create(opts: ResolvedProxyOptions): Promise<UpstreamClient> {
    const o = opts.raw;
    const auth =
      o.tokenEndpointAuthMethod === 'client_secret_post'
        ? client.ClientSecretPost(o.upstreamClientSecret)
        : client.ClientSecretBasic(o.upstreamClientSecret);
    const metadata = { client_secret: o.upstreamClientSecret, ...(o.upstreamClientMetadata ?? {}) };
    if (o.upstreamDiscoveryUrl) {
      const f = o.upstreamFetch;
      const config = await client.discovery(new URL(o.upstreamDiscoveryUrl), o.upstreamClientId, metadata, auth, {
        ...(opts.allowInsecureLoopback ? { execute: [client.allowInsecureRequests] } : {}),
        ...(f ? { [client.customFetch]: (url: string, init: client.CustomFetchOptions) => f(url, init as RequestInit) } : {}),
        timeout: 10,
      });
      return new UpstreamClient(opts, config);
    }
    const issuer = o.upstreamIssuer ?? new URL(o.upstreamAuthorizationEndpoint as string).origin;
    const server: client.ServerMetadata = {
      issuer,
      authorization_endpoint: o.upstreamAuthorizationEndpoint as string,
      token_endpoint: o.upstreamTokenEndpoint as string,
      ...(o.upstreamRevocationEndpoint ? { revocation_endpoint: o.upstreamRevocationEndpoint } : {}),
      ...(o.upstreamJwksUri ? { jwks_uri: o.upstreamJwksUri } : {}),
      // Only an issuer we were told about is checked against `iss` on the callback.
      ...(o.upstreamIssuer ? { authorization_response_iss_parameter_supported: true } : {}),
    };
    return new UpstreamClient(opts, new client.Configuration(server, o.upstreamClientId, metadata, auth));
  }

  authorizationUrl(params: { state: string; scope: string; codeChallenge?: string | undefined }): URL {
    const p: Record<string, string> = {
      ...(this.opts.raw.extraAuthorizeParams ?? {}),
      response_type: 'code',
      redirect_uri: this.opts.callbackUrl,
      state: params.state,
    };
    if (params.scope) p.scope = params.scope;
    if (params.codeChallenge) {
      p.code_challenge = params.codeChallenge;
      p.code_challenge_method = 'S256';
    }
    return client.buildAuthorizationUrl(this.config, p);
  }

  /** Redeems the upstream code server-side with our PKCE verifier. `query` is the callback's query string. */
  async exchangeCode(query: URLSearchParams, expectedState: string, verifier: string | undefined): Promise<UpstreamTokens> {
    const current = new URL(this.opts.callbackUrl);
    current.search = query.toString();
    try {
      const res = await client.authorizationCodeGrant(this.config, current, {
        expectedState,
        ...(verifier ? { pkceCodeVerifier: verifier } : {}),
      });
      return toTokens(res);
    } catch (err) {
      throw mapError(err);
    }
  }

  async refresh(refreshToken: string, scope?: string): Promise<UpstreamTokens> {
    try {
      const res = await client.refreshTokenGrant(this.config, refreshToken, scope ? { scope } : undefined);
      const t = toTokens(res);
      // Providers that do not rotate refresh tokens omit it: keep using the old one.
      return { ...t, refreshToken: t.refreshToken ?? refreshToken };
    } catch (err) {
      throw mapError(err);
    }
  }

  /** RFC 7009 at the upstream, with the UPSTREAM token (never one of ours). */
  async revoke(token: string, hint: 'access_token' | 'refresh_token'): Promise<void> {
    if (!this.hasRevocation) return;
    try {
      await client.tokenRevocation(this.config, token, { token_type_hint: hint });
    } catch (err) {
      throw mapError(err);
    }
  }
}

function toTokens(res: client.TokenEndpointResponse): UpstreamTokens {
  return {
    accessToken: res.access_token,
    tokenType: res.token_type,
    refreshToken: res.refresh_token,
    expiresAt: typeof res.expires_in === 'number' ? Math.floor(Date.now() / 1000) + res.expires_in : undefined,
    scope: typeof res.scope === 'string' ? res.scope : undefined,
    idToken: res.id_token,
  };
}

function mapError(err: unknown): UpstreamError {
  if (err instanceof client.ResponseBodyError) {
    if (err.status >= 500) return new UpstreamError('unavailable', undefined);
    return new UpstreamError('rejected', sanitiseUpstreamCode(err.error));
  }
  if (err instanceof client.AuthorizationResponseError) return new UpstreamError('rejected', sanitiseUpstreamCode(err.error));
  if (err instanceof client.ClientError) return new UpstreamError('rejected', undefined);
  return new UpstreamError('unavailable', undefined);
}

/** UpstreamError as the OAuth error we tell our client: transient failures stay transient. */
export function upstreamToOAuth(err: UpstreamError, whenRejected: 'invalid_grant' | 'access_denied' | 'server_error'): OAuthError {
  return err.kind === 'unavailable'
    ? new OAuthError('temporarily_unavailable', 'the identity provider is unavailable; try again')
    : new OAuthError(whenRejected, 'the identity provider refused the request');
}
