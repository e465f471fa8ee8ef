export { createMcpServer, type McpServerOptions, type McpBastionServer, type RunningServer } from './server/create.js';
export { securityGuard, type SecurityGuard, type SecurityGuardOptions } from './server/guard.js';
export type { BastionMeta, McpToolMeta, McpResourceMeta, McpPromptMeta, ToolAnnotations } from './server/meta.js';
export type { ContextFactory } from './server/protocol.js';
export { buildRegistry, type Registry, type ToolEntry, type ResourceEntry, type PromptEntry } from './server/registry.js';
export { ConfigError } from './errors.js';
export type { HttpOptions } from './config.js';
export { createLogger, type Logger } from './log.js';
export { ANONYMOUS, AuthError, type Principal, type TokenVerifier } from './auth/principal.js';
export {
  requireScopes,
  requireRoles,
  requireAuthenticated,
  restrictTag,
  AuthMiddleware,
  type AuthCheck,
  type AuthContext,
  type ServerRule,
} from './auth/authorization.js';
export { createDemoRouter, demoRules } from './demo/router.js';
export { bindIsolation, assertIsolationReady, isolatedCallsInFlight, type IsolationOptions } from './server/isolate.js';
export { trpcRouterWithIsolation } from './server/isolate-trpc.js';
export type { IsolateLimits } from './server/meta.js';
export {
  createSignedManifest,
  manifestResponse,
  manifestMeta,
  withManifestMeta,
  MANIFEST_PATH,
  MANIFEST_META_KEY,
  type SigningOptions,
} from './server/signed-manifest.js';
