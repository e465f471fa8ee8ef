import { ConfigError } from '../../../errors.js';
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
>;

export interface AzureProviderOptions extends Common {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Directory (tenant) id, or `organizations` / `common` / `consumers`. */
  readonly tenantId: string;
  /** Application ID URI custom scopes are prefixed with. Default `api://<clientId>`. */
  readonly identifierUri?: string | undefined;
  /** Default https://login.microsoftonline.com (sovereign clouds differ). */
  readonly authorityHost?: string | undefined;
  readonly fetch?: FetchImpl | undefined;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);

/**
 * Entra ID scopes are per API: `notes:read` is sent as `api://<client-id>/notes:read`. OIDC
 * scopes and scopes that already name a resource (URIs, Graph's `User.Read`) pass unchanged.
 */
export function azureScopes(identifierUri: string, scopes: readonly string[]): string[] {
  return scopes.map((s) => (OIDC_SCOPES.has(s) || s.includes('://') || /^[A-Z]/.test(s) ? s : `${identifierUri}/${s}`));
}

/** Microsoft Entra ID (Azure AD) v2 endpoints; access tokens for our API are JWTs checked on the tenant JWKS. */
export class AzureProvider extends OAuthProxy {
  constructor(opts: AzureProviderOptions) {
    if (typeof opts.tenantId !== 'string' || !/^[A-Za-z0-9.-]{1,64}$/.test(opts.tenantId))
      throw new ConfigError('tenantId', 'expected a tenant id (GUID or domain) or organizations/common/consumers');
    if (typeof opts.clientId !== 'string' || opts.clientId === '') throw new ConfigError('clientId', 'is required');
    const host = (opts.authorityHost ?? 'https://login.microsoftonline.com').replace(/\/$/, '');
    const authority = `${host}/${opts.tenantId}`;
    const identifierUri = (opts.identifierUri ?? `api://${opts.clientId}`).replace(/\/$/, '');
    const translate = opts.translateScopes ?? ((s: readonly string[]) => azureScopes(identifierUri, s));
    super({
      ...opts,
      upstreamAuthorizationEndpoint: `${authority}/oauth2/v2.0/authorize`,
      upstreamTokenEndpoint: `${authority}/oauth2/v2.0/token`,
      upstreamClientId: opts.clientId,
      upstreamClientSecret: opts.clientSecret,
      upstreamScopes: opts.upstreamScopes ?? ['offline_access'],
      upstreamFetch: opts.upstreamFetch ?? opts.fetch,
      translateScopes: translate,
      tokenVerifier: new JwtVerifier({
        jwksUri: `${authority}/discovery/v2.0/keys`,
        // Multi-tenant authorities issue tokens under each user's own tenant: issuer not fixed.
        issuer: MULTI_TENANT.has(opts.tenantId) ? undefined : `${authority}/v2.0`,
        audience: [opts.clientId, identifierUri],
        allowInsecureLoopback: opts.allowInsecureLoopback,
        fetch: opts.fetch,
      }),
    });
  }
}
