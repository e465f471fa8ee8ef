import type { AnyTRPCRouter } from '@trpc/server';
import { createLogger, type Logger } from '../log.js';
import { resolveHttpConfig, type HttpConfig, type HttpOptions } from '../config.js';
import { ANONYMOUS } from '../auth/principal.js';
import type { ServerRule } from '../auth/authorization.js';
import type { TokenVerifier } from '../auth/principal.js';
import type { AuthProvider } from '../auth/resource-server.js';
import type { StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { SessionOptions } from '../http/sessions.js';
import { knownScopes } from './scopes.js';
import { handleTrpc } from './trpc.js';
import { buildRegistry, type Registry } from './registry.js';
import { createProtocolServer, policyOf, registryChallenge, type ContextFactory, type ProtocolOptions } from './protocol.js';
import { createMcpHost, type McpHost } from './host.js';
import { checkOwnDefinitions, ownCallGuards, securityGuard, type SecurityGuard } from './guard.js';
import { requestLimiter, type RequestRate } from './request-limit.js';
import type { Store } from '../storage/types.js';
import { createMemoryStore } from '../storage/index.js';
import { assertIsolationReady, bindIsolation, type IsolationOptions } from './isolate.js';
import { trpcRouterWithIsolation } from './isolate-trpc.js';
import { createSignedManifest, manifestResponse, MANIFEST_PATH, withManifestMeta, type SigningOptions } from './signed-manifest.js';

export type { RunningServer } from './host.js';

export interface McpServerOptions {
  name: string;
  version: string;
  router: AnyTRPCRouter;
  /** Shown to the model on initialize. */
  instructions?: string;
  /** Builds your tRPC context; mcp-bastion always sets `ctx.auth` to the caller's principal. */
  createContext?: ContextFactory;
  /** Server-wide authorization rules: `restrictTag(...)`, `AuthMiddleware(...)`. */
  rules?: ServerRule[];
  /**
   * How HTTP callers authenticate: a TokenVerifier (Token Verification), `tokenAuth(verifier, opts)`,
   * a `RemoteAuthProvider`, or another AuthProvider. Default: none (everyone is anonymous).
   */
  auth?: AuthProvider | TokenVerifier;
  /** `hide` (default): components a caller may not use are left out of lists. `challenge`: scope-gated ones stay listed and a call answers 403 insufficient_scope. */
  onInsufficientScope?: 'hide' | 'challenge';
  http?: HttpOptions;
  /**
   * The runtime guard: a start-up scan of this server's own definitions, output scanning and secret
   * redaction on results, rate limits and audit events. On by default (`securityGuard()`, warn mode);
   * `false` turns it off.
   */
  guard?: SecurityGuard | false;
  /**
   * Sign this server's definitions at start (Ed25519 or P-256 private key) and publish the JWS at
   * `/.well-known/mcp-manifest.jws` and in the initialize result's `_meta`.
   */
  signing?: SigningOptions;
  /**
   * Per-call isolation for procedures with `meta.mcp.isolate`: each call runs in a fresh worker
   * thread with heap limits and a timeout. `routerModule` is the module exporting the router.
   */
  isolation?: IsolationOptions;
  /** Requests per principal per window on `/mcp` and `/trpc` (HTTP 429 beyond); counted in `store` (default: memory). */
  rateLimit?: RequestRate & { store?: Store };
  sessions?: Partial<Omit<SessionOptions, 'maxBodyBytes'>>;
  logger?: Logger;
}

export interface McpBastionServer extends McpHost {
  readonly registry: Registry;
}

/** Turns a tRPC router into a hardened MCP server (Streamable HTTP, stdio) that also serves `/trpc`. */
export function createMcpServer(options: McpServerOptions): McpBastionServer {
  const logger = options.logger ?? createLogger();
  const config = resolveHttpConfig(options.http);
  const registry = buildRegistry(options.router);
  if (options.isolation) bindIsolation(options.router, options.isolation);
  assertIsolationReady(options.router);
  const rules = options.rules ?? [];
  const guard = options.guard === false ? undefined : (options.guard ?? securityGuard());
  if (guard) checkOwnDefinitions(options.name, registry, guard.options, logger);
  const own = guard ? ownCallGuards(guard.options, logger) : undefined;
  const limitStore = options.rateLimit ? (options.rateLimit.store ?? createMemoryStore()) : undefined;
  const protocol: ProtocolOptions = {
    name: options.name,
    version: options.version,
    instructions: options.instructions,
    router: options.router,
    registry,
    rules,
    createContext: options.createContext,
    logger,
    onInsufficientScope: options.onInsufficientScope ?? 'hide',
    guards: own?.guards,
  };
  const trpcPath = config.trpcPath;
  // Isolated procedures are swapped for worker stand-ins on /trpc too (same paths, same checks).
  const trpcRouter = trpcRouterWithIsolation(options.router);
  let jws: string | undefined;
  const signed = options.signing
    ? createSignedManifest(registry, { ...options.signing, name: options.name, version: options.version }).then((v) => (jws = v))
    : undefined;
  signed?.catch(() => undefined); // surfaced by listen(); never an unhandled rejection
  const host = createMcpHost({
    ready: signed,
    logger,
    config,
    auth: options.auth,
    knownScopes: () => knownScopes(registry, rules),
    sessions: options.sessions,
    limit: options.rateLimit && limitStore ? requestLimiter(limitStore, options.rateLimit) : undefined,
    onClose: async () => {
      await own?.close();
      if (limitStore && !options.rateLimit?.store) await limitStore.close();
    },
    surface: ({ enforce, insufficientScope }) => {
      const policy = policyOf(protocol, enforce);
      return {
        createServer: (binding) => {
          const server = createProtocolServer(protocol, binding);
          return jws ? withManifestMeta(server, jws) : server;
        },
        publicRoutes: signed ? new Map([[MANIFEST_PATH, async () => manifestResponse(await signed)]]) : undefined,
        challengeFor: registryChallenge(registry, policy),
        trpc:
          trpcPath === false
            ? undefined
            : {
                path: trpcPath,
                handle: (request, body, principal) =>
                  handleTrpc(
                    {
                      router: options.router,
                      registry,
                      policy,
                      endpoint: trpcPath,
                      createContext: options.createContext,
                      logger,
                      insufficientScope,
                    },
                    request,
                    body,
                    principal,
                  ),
              },
      };
    },
  });
  return {
    registry,
    config,
    logger,
    fetch: host.fetch,
    listen: host.listen,
    serveStdio: host.serveStdio,
    get sessionCount() {
      return host.sessionCount;
    },
    close: host.close,
  };
}

export { ANONYMOUS };
