import { createServer, type Server as NodeServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { getRequestListener } from '@hono/node-server';
import { serveStdio, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { AnyTRPCRouter } from '@trpc/server';
import { createLogger, type Logger } from '../log.js';
import { resolveHttpConfig, type HttpConfig, type HttpOptions } from '../config.js';
import { ANONYMOUS, localPrincipal, type Principal } from '../auth/principal.js';
import type { ServerRule } from '../auth/authorization.js';
import type { HttpAuthenticator } from '../auth/http.js';
import type { TokenVerifier } from '../auth/principal.js';
import { tokenAuth, type AuthProvider } from '../auth/resource-server.js';
import { knownScopes } from './scopes.js';
import { noAuth } from '../auth/none.js';
import { defaultOriginPolicy, type OriginPolicy } from '../http/guard.js';
import { createHttpApp } from '../http/app.js';
import { createMcpEndpoint } from '../http/mcp-endpoint.js';
import { handleTrpc } from '../http/trpc.js';
import { buildRegistry, type Registry } from './registry.js';
import { createProtocolServer, type ContextFactory, type ProtocolOptions } from './protocol.js';
import { SessionManager, type SessionOptions } from './sessions.js';

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
  sessions?: Partial<Omit<SessionOptions, 'maxBodyBytes'>>;
  logger?: Logger;
}

export interface RunningServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly httpServer: NodeServer;
  close(): Promise<void>;
}

export interface McpBastionServer {
  readonly registry: Registry;
  readonly config: HttpConfig;
  readonly logger: Logger;
  /** Web-standard handler, for mounting in another server or tests. */
  fetch(request: Request): Promise<Response>;
  listen(): Promise<RunningServer>;
  /** Serves MCP over stdin/stdout as the local user; nothing but protocol messages is written to stdout. */
  serveStdio(): StdioServerHandle;
  /** Live 2025-era sessions. */
  readonly sessionCount: number;
  close(): Promise<void>;
}

/** Turns a tRPC router into a hardened MCP server (Streamable HTTP, stdio) that also serves `/trpc`. */
export function createMcpServer(options: McpServerOptions): McpBastionServer {
  const logger = options.logger ?? createLogger();
  const config = resolveHttpConfig(options.http);
  const registry = buildRegistry(options.router);
  const rules = options.rules ?? [];
  const provider: AuthProvider | undefined =
    options.auth === undefined ? undefined : 'bind' in options.auth ? options.auth : tokenAuth(options.auth);
  let bound: HttpAuthenticator | undefined;
  const bindAuth = (port: number): HttpAuthenticator => {
    if (!provider) return noAuth();
    const base = config.baseUrl ?? new URL(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`);
    const resourceUrl = new URL(`${base.href.replace(/\/$/, '')}/mcp`);
    return provider.bind({ logger, resourceUrl, knownScopes: knownScopes(registry, rules) });
  };
  // With a fixed port or a base URL the resource URL is known now, so auth mistakes surface at start.
  if (config.baseUrl || config.port !== 0) bound = bindAuth(config.port);
  const auth: HttpAuthenticator = {
    get enabled() {
      return provider !== undefined;
    },
    authenticate: (request, body) => current().authenticate(request, body),
    insufficientScope: (scopes) => current().insufficientScope(scopes),
    route: (request, url, info) => current().route?.(request, url, info) ?? Promise.resolve(undefined),
  };
  function current(): HttpAuthenticator {
    if (!bound) throw new Error('the server has no resource URL yet: call listen() first or set http.baseUrl');
    return bound;
  }
  const onInsufficientScope = options.onInsufficientScope ?? 'hide';
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
  };
  const enforce = auth.enabled;
  const httpServerFor = (principal: Principal) => createProtocolServer(protocol, { transport: 'http', fallback: principal, enforce });

  const sessions = new SessionManager(
    {
      idleTimeoutMs: options.sessions?.idleTimeoutMs ?? 30 * 60_000,
      maxSessions: options.sessions?.maxSessions ?? 10_000,
      maxSessionsPerPrincipal: options.sessions?.maxSessionsPerPrincipal ?? 32,
      maxBodyBytes: config.maxBodyBytes,
    },
    httpServerFor,
    logger,
  );
  const mcp = createMcpEndpoint({
    createServer: httpServerFor,
    sessions,
    registry,
    rules,
    enforce,
    onInsufficientScope,
    insufficientScope: (s) => auth.insufficientScope(s),
    maxBodyBytes: config.maxBodyBytes,
    logger,
  });

  let boundPort = config.port;
  let policy: OriginPolicy | undefined;
  const computePolicy = (): OriginPolicy => {
    const derived = defaultOriginPolicy(config.host, boundPort, config.baseUrl);
    return {
      allowedHosts: config.allowedHosts ?? derived.allowedHosts,
      allowedOrigins: [...(config.allowedOrigins ?? derived.allowedOrigins), ...config.corsOrigins],
    };
  };

  const trpcPath = config.trpcPath;
  const app = createHttpApp({
    policy: () => (policy ??= computePolicy()),
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    maxBodyBytes: config.maxBodyBytes,
    auth,
    mcp,
    mcpPath: '/mcp',
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
                  rules,
                  endpoint: trpcPath,
                  createContext: options.createContext,
                  logger,
                  enforce,
                  onInsufficientScope,
                  insufficientScope: (s) => auth.insufficientScope(s),
                },
                request,
                body,
                principal,
              ),
          },
    logger,
  });

  let running: RunningServer | undefined;

  return {
    registry,
    config,
    logger,
    fetch: (request) => Promise.resolve(app.fetch(request)),
    get sessionCount() {
      return sessions.size;
    },
    async listen() {
      const server = createServer(getRequestListener(app.fetch));
      server.headersTimeout = config.headersTimeoutMs;
      server.requestTimeout = config.requestTimeoutMs;
      server.keepAliveTimeout = 5_000;
      server.timeout = config.idleTimeoutMs;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      const addr = server.address() as AddressInfo;
      boundPort = addr.port;
      try {
        bound ??= bindAuth(addr.port);
      } catch (err) {
        server.close();
        throw err;
      }
      policy = undefined;
      if (config.exposed) {
        logger.warn(
          { event: 'exposed_bind', host: config.host },
          `listening on ${config.host}: reachable from other machines. Set MCP_BASTION_BASE_URL or allowedHosts for the names clients use.`,
        );
      }
      if (!auth.enabled) {
        logger.warn({ event: 'auth_disabled' }, 'authentication is off: every caller is anonymous and per-tool checks are skipped');
      }
      const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      const url = `http://${hostForUrl}:${addr.port}`;
      const handle: RunningServer = {
        url,
        host: addr.address,
        port: addr.port,
        httpServer: server,
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      };
      running = handle;
      return handle;
    },
    serveStdio() {
      // A stray console.log in a procedure would corrupt the protocol stream: send it to stderr.
      routeConsoleToStderr();
      const local = localPrincipal();
      return serveStdio(() => createProtocolServer(protocol, { transport: 'stdio', fallback: local, enforce: false }), {
        onerror: (err) => logger.error({ err }, 'stdio transport error'),
      });
    },
    async close() {
      await mcp.close();
      if (running) await running.close();
    },
  };
}

function routeConsoleToStderr(): void {
  const toStderr = (...args: unknown[]) => {
    process.stderr.write(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ') + '\n');
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

export { ANONYMOUS };
