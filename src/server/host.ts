import { createServer, type Server as NodeServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { getRequestListener } from '@hono/node-server';
import type { Server } from '@modelcontextprotocol/server';
import { serveStdio, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { Logger } from '../log.js';
import type { HttpConfig } from '../config.js';
import { localPrincipal, type Principal, type TokenVerifier } from '../auth/principal.js';
import type { HttpAuthenticator } from '../auth/http.js';
import { tokenAuth, type AuthProvider } from '../auth/resource-server.js';
import { noAuth } from '../auth/none.js';
import { defaultOriginPolicy, type OriginPolicy } from '../http/guard.js';
import { createHttpApp } from '../http/app.js';
import { createMcpEndpoint } from '../http/mcp-endpoint.js';
import { SessionManager, type SessionOptions } from '../http/sessions.js';
import type { Binding } from './protocol.js';

export interface RunningServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly httpServer: NodeServer;
  close(): Promise<void>;
}

/** What the hosted surface learns once auth is known. */
export interface HostContext {
  /** False over HTTP without auth: per-component checks are skipped (dual mode). */
  readonly enforce: boolean;
  /** The HTTP 403 step-up answer of the configured auth provider. */
  insufficientScope(scopes: readonly string[]): Response;
}

/** The MCP surface a host serves: our tRPC registry (createMcpServer) or the gateway's upstreams. */
export interface HostedSurface {
  /** One protocol server per request (2026-07-28) or session (2025-era), for the given binding. */
  createServer(binding: Binding): Server;
  /** Scopes for an HTTP 403 step-up when the request addresses a component the caller may see but not use. */
  challengeFor(principal: Principal, message: { method?: unknown; params?: unknown }): Promise<readonly string[] | undefined>;
  /** Unauthenticated GET routes (path → response), behind the transport guard only. */
  readonly publicRoutes?: ReadonlyMap<string, () => Promise<Response>> | undefined;
  /** An extra route behind the same guard and auth (`/trpc`). */
  readonly trpc?:
    { readonly path: string; handle(request: Request, body: string | undefined, principal: Principal): Promise<Response> } | undefined;
}

export interface HostOptions {
  readonly logger: Logger;
  readonly config: HttpConfig;
  readonly auth?: AuthProvider | TokenVerifier | undefined;
  /** Scopes the surface knows of, published in protected-resource metadata. */
  readonly knownScopes: () => readonly string[];
  readonly sessions?: Partial<Omit<SessionOptions, 'maxBodyBytes'>> | undefined;
  readonly surface: (ctx: HostContext) => HostedSurface;
  /** Awaited before listening, so start-up work (signing a manifest) fails the start, not a request. */
  readonly ready?: Promise<unknown> | undefined;
  /** Rate limit on `/mcp` and `/trpc` (HTTP 429), see `requestLimiter`. */
  readonly limit?: ((principal: Principal, clientAddress: string | undefined) => Promise<Response | undefined>) | undefined;
  /** Runs when the host closes, after the endpoint and before the listener. */
  readonly onClose?: (() => Promise<void>) | undefined;
}

export interface McpHost {
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

/**
 * The hardened transport around an MCP surface: the HTTP guard, authentication, `/mcp` with
 * sessions and step-up, an optional `/trpc`, listening, and stdio. Shared by `createMcpServer`
 * and the gateway so both get the same defaults and the same auth semantics.
 */
export function createMcpHost(options: HostOptions): McpHost {
  const { logger, config } = options;
  const provider: AuthProvider | undefined =
    options.auth === undefined ? undefined : 'bind' in options.auth ? options.auth : tokenAuth(options.auth);
  let bound: HttpAuthenticator | undefined;
  const bindAuth = (port: number): HttpAuthenticator => {
    if (!provider) return noAuth();
    const base = config.baseUrl ?? new URL(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`);
    const resourceUrl = new URL(`${base.href.replace(/\/$/, '')}/mcp`);
    return provider.bind({ logger, resourceUrl, knownScopes: options.knownScopes() });
  };
  // With a fixed port or a base URL the resource URL is known now, so auth mistakes surface at start.
  if (config.baseUrl || config.port !== 0) bound = bindAuth(config.port);
  const current = (): HttpAuthenticator => {
    if (!bound) throw new Error('the server has no resource URL yet: call listen() first or set http.baseUrl');
    return bound;
  };
  const auth: HttpAuthenticator = {
    get enabled() {
      return provider !== undefined;
    },
    authenticate: (request, body) => current().authenticate(request, body),
    insufficientScope: (scopes) => current().insufficientScope(scopes),
    route: (request, url, info) => current().route?.(request, url, info) ?? Promise.resolve(undefined),
  };
  const enforce = auth.enabled;
  const surface = options.surface({ enforce, insufficientScope: (s) => auth.insufficientScope(s) });
  const httpServerFor = (principal: Principal) => surface.createServer({ transport: 'http', fallback: principal, enforce });

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
    challengeFor: (principal, message) => surface.challengeFor(principal, message),
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

  const app = createHttpApp({
    policy: () => (policy ??= computePolicy()),
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    maxBodyBytes: config.maxBodyBytes,
    auth,
    mcp,
    mcpPath: '/mcp',
    trpc: surface.trpc,
    publicRoutes: surface.publicRoutes,
    limit: options.limit,
    logger,
  });

  let running: RunningServer | undefined;

  return {
    config,
    logger,
    fetch: (request) => Promise.resolve(app.fetch(request)),
    get sessionCount() {
      return sessions.size;
    },
    async listen() {
      await options.ready;
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
      const handle: RunningServer = {
        url: `http://${hostForUrl}:${addr.port}`,
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
      return serveStdio(() => surface.createServer({ transport: 'stdio', fallback: local, enforce: false }), {
        onerror: (err) => logger.error({ err }, 'stdio transport error'),
      });
    },
    async close() {
      await mcp.close();
      await options.onClose?.();
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
