import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { AnyTRPCRouter } from '@trpc/server';
import type { Logger } from '../log.js';
import { maskedMessage, newErrorId } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import { accessDecision, type AccessPolicy } from '../auth/authorization.js';
import type { Registry } from './registry.js';
import { buildContext, type ContextFactory } from './context.js';

export interface TrpcRouteOptions {
  readonly router: AnyTRPCRouter;
  readonly registry: Registry;
  readonly policy: AccessPolicy;
  readonly endpoint: string;
  readonly createContext?: ContextFactory | undefined;
  readonly logger: Logger;
  readonly insufficientScope: (scopes: readonly string[]) => Response;
}

/** The same "not found" tRPC itself sends for a path that does not exist. */
function notFound(path: string): Response {
  const body = {
    error: { message: `No procedure found on path "${path}"`, code: -32004, data: { code: 'NOT_FOUND', httpStatus: 404, path } },
  };
  return new Response(JSON.stringify(body), { status: 404, headers: { 'content-type': 'application/json' } });
}

/**
 * Serves the router over tRPC's fetch adapter with the request's principal as `ctx.auth`,
 * enforcing the same per-component rules as MCP, and masking unexpected errors: tRPC would
 * otherwise echo an Error's message (and, outside production, its stack) to the client.
 */
export async function handleTrpc(
  opts: TrpcRouteOptions,
  request: Request,
  body: string | undefined,
  principal: Principal,
): Promise<Response> {
  const url = new URL(request.url);
  let paths: string[];
  try {
    paths = decodeURIComponent(url.pathname.slice(opts.endpoint.length + 1)).split(',');
  } catch {
    return notFound(url.pathname.slice(opts.endpoint.length + 1));
  }
  // Fail closed: only exact procedure paths go on to tRPC, and in a canonical URL we build,
  // so tRPC cannot resolve a variant (a trailing slash, an encoding) we did not check.
  const procedures = opts.router._def.procedures as Record<string, unknown>;
  for (const path of paths) if (!Object.hasOwn(procedures, path)) return notFound(path);
  for (const path of paths) {
    const entry = opts.registry.procedureChecks.get(path);
    if (!entry) continue;
    const outcome = await accessDecision(
      principal,
      { kind: 'procedure', name: entry.name, tags: entry.tags, checks: entry.checks },
      opts.policy,
    );
    if (outcome.kind === 'challenge') return opts.insufficientScope(outcome.scopes);
    if (outcome.kind === 'hide') return notFound(path);
  }
  url.pathname = `${opts.endpoint}/${paths.join(',')}`;
  const headers = new Headers(request.headers);
  // Streamed (jsonl) responses cannot be inspected for masking; answer batches as plain JSON.
  headers.delete('trpc-accept');
  const req = new Request(url, { method: request.method, headers, ...(body !== undefined && request.method !== 'GET' ? { body } : {}) });
  const errorId = newErrorId();
  let masked = false;
  const response = await fetchRequestHandler({
    endpoint: opts.endpoint,
    req,
    router: opts.router,
    createContext: () => buildContext(opts.createContext, principal, 'http', request),
    onError: ({ error, path }) => {
      if (
        error.code === 'INTERNAL_SERVER_ERROR' ||
        error.code.endsWith('GATEWAY') ||
        error.code === 'SERVICE_UNAVAILABLE' ||
        error.code === 'NOT_IMPLEMENTED'
      ) {
        masked = true;
        opts.logger.error({ errorId, err: error.cause ?? error, path }, 'procedure failed');
      }
    },
  });
  return scrub(response, masked ? errorId : undefined);
}

interface ErrorItem {
  error?: { message?: string; data?: { httpStatus?: number; stack?: unknown } };
}

async function scrub(response: Response, errorId: string | undefined): Promise<Response> {
  if (!(response.headers.get('content-type') ?? '').includes('application/json')) return response;
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new Response(text, response);
  }
  const items = (Array.isArray(json) ? json : [json]) as ErrorItem[];
  for (const item of items) {
    const data = item.error?.data;
    if (!data) continue;
    delete data.stack;
    if ((data.httpStatus ?? 0) >= 500 && item.error) item.error.message = maskedMessage(errorId ?? newErrorId());
  }
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(json), { status: response.status, headers });
}
