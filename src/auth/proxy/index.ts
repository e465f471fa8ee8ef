/** The OAuth proxy: an authorization server for MCP clients in front of GitHub, Google, Azure or any OIDC provider. */
export { OAuthProxy, type ProxyPrincipalExtra } from './proxy.js';
export type { OAuthProxyOptions, ConsentMode, FetchImpl } from './options.js';
export { OAuthError, type OAuthErrorCode } from './errors.js';
export { PROXY_STORE_SECURITY, createProxyStore, withProxySecurity } from './store.js';
export {
  KNOWN_CLIENT_REDIRECTS,
  knownClientRedirectPatterns,
  parseRedirectPattern,
  matchesRedirectPattern,
  redirectUriMatches,
  parseSafeRedirectUri,
  isLoopbackRedirect,
  type RedirectPattern,
} from './redirect-uris.js';
export { GitHubProvider, gitHubTokenVerifier, parseGitHubScopes, type GitHubProviderOptions } from './providers/github.js';
export { GoogleProvider, googleTokenVerifier, GOOGLE_ISSUER, type GoogleProviderOptions } from './providers/google.js';
export { AzureProvider, azureScopes, type AzureProviderOptions } from './providers/azure.js';
export { OidcProxy, DiscoveredJwtVerifier, type OidcProxyOptions } from './providers/oidc.js';
export { ApiTokenVerifier, type ApiVerifierOptions } from './providers/http-verifier.js';
export { proxyFromEnv, PROXY_AUTH_KINDS, type ProxyFromEnvContext } from './from-env.js';
