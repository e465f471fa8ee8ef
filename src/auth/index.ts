/** `mcp-bastion/auth`: verifiers, resource-server providers and authorization checks. */
export * from './verifiers/index.js';
export { AuthError, ANONYMOUS, type Principal, type TokenVerifier, type AuthFailureReason } from './principal.js';
export {
  tokenAuth,
  bindResourceServer,
  protectedResourceMetadataUrl,
  type AuthProvider,
  type AuthBindContext,
  type ResourceServerOptions,
} from './resource-server.js';
export { RemoteAuthProvider, type RemoteAuthProviderOptions } from './remote.js';
export { authFromEnv } from './env-provider.js';
export type { HttpAuthenticator, AuthOutcome } from './http.js';
export {
  requireScopes,
  requireRoles,
  requireAuthenticated,
  restrictTag,
  AuthMiddleware,
  evaluateAccess,
  accessDecision,
  isListed,
  type AccessOutcome,
  type AccessPolicy,
  type GuardedComponent,
  type AuthCheck,
  type AuthContext,
  type ServerRule,
  type AccessDecision,
} from './authorization.js';
export * from './proxy/index.js';
