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
