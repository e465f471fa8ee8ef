import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import type { Logger } from '../log.js';
import { maskedMessage, newErrorId } from '../errors.js';
import type { HttpAuthenticator } from '../auth/http.js';
import { BodyTooLargeError, SECURITY_HEADERS, isHostAllowed, isOriginAllowed, readBodyLimited, type OriginPolicy } from './guard.js';
import { jsonRpcError } from './jsonrpc.js';
import type { McpEndpoint } from './mcp-endpoint.js';
import { toAuthInfo } from '../auth/auth-info.js';
import type { Principal } from '../auth/principal.js';

export interface AppDeps {
  readonly policy: () => OriginPolicy;
  readonly corsOrigins: readonly string[];
  /** X-Forwarded-For hops to trust for the client address (0: use the socket peer). */
  readonly trustProxy?: number;
  readonly maxBodyBytes: number;
  readonly auth: HttpAuthenticator;
  readonly mcp: McpEndpoint;
  readonly mcpPath: string;
  readonly trpc?:
    | { readonly path: string; readonly handle: (request: Request, body: string | undefined, principal: Principal) => Promise<Response> }
    | undefined;
  /**
   * Rate limit for `/mcp` and `/trpc`, asked after authentication and before the body is read:
   * a Response (HTTP 429) refuses the request. Anonymous callers are told apart by address.
   */
  /** Unauthenticated GET routes of the surface (e.g. `/.well-known/mcp-manifest.jws`): path → response. */
  readonly publicRoutes?: ReadonlyMap<string, () => Promise<Response>> | undefined;
  readonly limit?: ((principal: Principal, clientAddress: string | undefined) => Promise<Response | undefined>) | undefined;
  readonly logger: Logger;
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The caller's address. X-Forwarded-For is client-controlled, so it is read only when the
 * operator says how many proxies of theirs sit in front (`trustProxy`), and then only the entry
 * the nearest trusted proxy appended.
 */
export function clientAddress(c: Context, trustProxy: number): string | undefined {
  const peer = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
  if (trustProxy <= 0) return peer;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  return hops[hops.length - trustProxy] ?? peer;
}

/** The request path through the transport guard, authentication and the routes. Each step knows nothing of the next. */
export function createHttpApp(deps: AppDeps): Hono {
  const app = new Hono();
  const { logger } = deps;

  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) {
      // A route that sets its own policy (a consent page) keeps it.
      if (!c.res.headers.has(k)) c.res.headers.set(k, v);
    }
  });

  app.use('*', async (c, next) => {
    const policy = deps.policy();
    if (!isHostAllowed(c.req.header('host') ?? null, policy)) {
      logger.warn({ event: 'host_rejected', host: c.req.header('host') }, 'Host header not allowed');
      return c.json({ error: 'forbidden', error_description: 'Host header not allowed' }, 403);
    }
    if (!isOriginAllowed(c.req.header('origin') ?? null, policy)) {
      logger.warn({ event: 'origin_rejected', origin: c.req.header('origin') }, 'Origin not allowed');
      return c.json({ error: 'forbidden', error_description: 'Origin not allowed' }, 403);
    }
    await next();
  });

  if (deps.corsOrigins.length > 0) {
    const allowed = new Set(deps.corsOrigins);
    app.use(
      '*',
      cors({
        origin: (origin) => (allowed.has(origin.toLowerCase()) ? origin : null),
        allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
        allowHeaders: ['authorization', 'content-type', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'accept'],
        exposeHeaders: ['mcp-session-id', 'www-authenticate', 'mcp-protocol-version'],
        maxAge: 600,
      }),
    );
  }

  app.onError((err, c) => {
    const errorId = newErrorId();
    logger.error({ errorId, err, path: c.req.path }, 'unhandled error');
    return c.json({ error: 'internal_error', error_description: maskedMessage(errorId) }, 500);
  });
  app.notFound((c) => c.json({ error: 'not_found' }, 404));

  if (deps.auth.route) {
    const route = deps.auth.route.bind(deps.auth);
    app.use('*', async (c, next) => {
      const res = await route(c.req.raw, new URL(c.req.url), { clientAddress: clientAddress(c, deps.trustProxy ?? 0) });
      if (res) return res;
      await next();
    });
  }

  app.get('/health', (c) => c.json({ status: 'ok' }));
  for (const [path, respond] of deps.publicRoutes ?? []) app.get(path, () => respond());

  const readBody = async (c: Context, jsonRpc: boolean): Promise<{ body: string | undefined } | { response: Response }> => {
    if (!WITH_BODY.has(c.req.method)) return { body: undefined };
    try {
      return { body: await readBodyLimited(c.req.raw, deps.maxBodyBytes) };
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      const message = `Payload Too Large: the limit is ${deps.maxBodyBytes} bytes`;
      // Close the connection rather than drain an oversized body we will never read.
      const close = { connection: 'close' };
      return {
        response: jsonRpc
          ? jsonRpcError(413, -32600, message, null, close)
          : c.json({ error: 'payload_too_large', error_description: message }, 413, close),
      };
    }
  };

  /**
   * Authenticate before reading a body, so an anonymous caller cannot make us buffer a megabyte;
   * only a form body (where RFC 6750 would allow a token, which we refuse) is read first.
   */
  const authenticated = async (
    c: Context,
    jsonRpc: boolean,
  ): Promise<{ body: string | undefined; principal: Principal; token: string | undefined } | { response: Response }> => {
    const formBody = (c.req.header('content-type') ?? '').toLowerCase().includes('application/x-www-form-urlencoded');
    let body: string | undefined;
    if (formBody) {
      const read = await readBody(c, jsonRpc);
      if ('response' in read) return read;
      body = read.body;
    }
    const outcome = await deps.auth.authenticate(c.req.raw, body);
    if (!outcome.ok) return { response: outcome.response };
    const refused = await deps.limit?.(outcome.principal, clientAddress(c, deps.trustProxy ?? 0));
    if (refused) return { response: refused };
    if (!formBody) {
      const read = await readBody(c, jsonRpc);
      if ('response' in read) return read;
      body = read.body;
    }
    return { body, principal: outcome.principal, token: outcome.token };
  };

  app.all(deps.mcpPath, async (c) => {
    const r = await authenticated(c, true);
    if ('response' in r) return r.response;
    return deps.mcp.handle(c.req.raw, r.body, r.principal, toAuthInfo(r.principal, r.token));
  });

  const trpc = deps.trpc;
  if (trpc) {
    app.all(`${trpc.path}/*`, async (c) => {
      const r = await authenticated(c, false);
      if ('response' in r) return r.response;
      return trpc.handle(c.req.raw, r.body, r.principal);
    });
  }
  return app;
}
