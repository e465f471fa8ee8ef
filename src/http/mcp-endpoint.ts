import { createMcpHandler, isJsonContentType, isLegacyRequest, type AuthInfo, type Server } from '@modelcontextprotocol/server';
import type { Logger } from '../log.js';
import { ANONYMOUS, type Principal } from '../auth/principal.js';
import { evaluateAccess, type ServerRule } from '../auth/authorization.js';
import type { Registry } from '../server/registry.js';
import { matchResource } from '../server/protocol.js';
import type { SessionManager } from '../server/sessions.js';
import { idOf, jsonRpcError, jsonRpcShape } from './jsonrpc.js';

export interface McpEndpointOptions {
  readonly createServer: (principal: Principal) => Server;
  readonly sessions: SessionManager;
  readonly registry: Registry;
  readonly rules: readonly ServerRule[];
  readonly enforce: boolean;
  readonly onInsufficientScope: 'hide' | 'challenge';
  readonly insufficientScope: (scopes: readonly string[]) => Response;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

export interface McpEndpoint {
  handle(request: Request, body: string | undefined, principal: Principal, authInfo: AuthInfo | undefined): Promise<Response>;
  close(): Promise<void>;
}

/**
 * `/mcp`: 2026-07-28 requests go to the SDK's per-request handler; 2025-era requests go to
 * sessions. The body is parsed once here so junk gets the proper JSON-RPC error before any
 * server instance exists, and so step-up challenges can be answered with HTTP 403.
 */
export function createMcpEndpoint(opts: McpEndpointOptions): McpEndpoint {
  const modern = createMcpHandler((ctx) => opts.createServer(principalFrom(ctx.authInfo)), {
    legacy: 'reject',
    maxRequestBodySize: opts.maxBodyBytes,
    onerror: (err) => opts.logger.debug({ err }, 'mcp request rejected'),
  });

  async function stepUp(principal: Principal, body: unknown): Promise<Response | undefined> {
    if (!opts.enforce || opts.onInsufficientScope !== 'challenge') return undefined;
    const m = body as { method?: string; params?: { name?: unknown; uri?: unknown } };
    const entry =
      m.method === 'tools/call'
        ? opts.registry.tools.get(String(m.params?.name))
        : m.method === 'prompts/get'
          ? opts.registry.prompts.get(String(m.params?.name))
          : m.method === 'resources/read'
            ? matchResource(opts.registry.resources, String(m.params?.uri))?.entry
            : undefined;
    if (!entry) return undefined;
    const d = await evaluateAccess(principal, { kind: entry.kind, name: entry.name, tags: entry.tags }, entry.checks, opts.rules);
    if (d.allowed || d.challengeScopes.length === 0) return undefined;
    opts.logger.info(
      { event: 'authz_step_up', component: entry.name, scopes: d.challengeScopes, sub: principal.subject },
      'insufficient scope',
    );
    return opts.insufficientScope(d.challengeScopes);
  }

  return {
    async handle(request, body, principal, authInfo) {
      if (request.method === 'GET' || request.method === 'DELETE') {
        if (await isLegacyRequest(request)) return opts.sessions.handle(request, undefined, principal, authInfo);
        return modern.fetch(request, authInfo ? { authInfo } : {});
      }
      if (request.method !== 'POST') return jsonRpcError(405, -32000, 'Method not allowed', null, { allow: 'GET, POST, DELETE' });
      if (!isJsonContentType(request.headers.get('content-type')))
        return jsonRpcError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
      let parsed: unknown;
      try {
        parsed = JSON.parse(body ?? '');
      } catch {
        return jsonRpcError(400, -32700, 'Parse error: the body is not valid JSON');
      }
      const shape = jsonRpcShape(parsed);
      if (shape === 'invalid') return jsonRpcError(400, -32600, 'Invalid Request: not a JSON-RPC 2.0 message', idOf(parsed));
      if (shape === 'request') {
        const challenge = await stepUp(principal, parsed);
        if (challenge) return challenge;
      }
      if (await isLegacyRequest(request, parsed, { maxRequestBodySize: opts.maxBodyBytes })) {
        return opts.sessions.handle(request, parsed, principal, authInfo);
      }
      return modern.fetch(request, { parsedBody: parsed, ...(authInfo ? { authInfo } : {}) });
    },
    async close() {
      await modern.close();
      await opts.sessions.close();
    },
  };
}

export function principalFrom(authInfo: AuthInfo | undefined): Principal {
  return (authInfo?.extra?.principal as Principal | undefined) ?? ANONYMOUS;
}

/** Carries the principal through the SDK, which passes `authInfo` to every handler untouched. */
export function toAuthInfo(principal: Principal, token: string | undefined): AuthInfo {
  return {
    token: token ?? '',
    clientId: principal.clientId ?? principal.subject,
    scopes: [...principal.scopes],
    ...(principal.expiresAt !== undefined ? { expiresAt: principal.expiresAt } : {}),
    // An audience need not be a URL (OpenSaaS uses "rpc-ai-backend"); only URLs are resource indicators.
    ...(principal.resource && URL.canParse(principal.resource) ? { resource: new URL(principal.resource) } : {}),
    extra: { principal },
  };
}
