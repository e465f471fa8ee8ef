import { createMcpHandler, isJsonContentType, isLegacyRequest, type AuthInfo, type Server } from '@modelcontextprotocol/server';
import type { Logger } from '../log.js';
import type { Principal } from '../auth/principal.js';
import { principalOf } from '../auth/auth-info.js';
import type { SessionManager } from './sessions.js';
import { idOf, jsonRpcError, jsonRpcShape } from './jsonrpc.js';

export interface McpEndpointOptions {
  readonly createServer: (principal: Principal) => Server;
  readonly sessions: SessionManager;
  /**
   * The scopes a step-up challenge must name when `principal` may see but not use the component a
   * request addresses (`tools/call`, `prompts/get`, `resources/read`); undefined otherwise. The
   * server decides (one access decision for every path); this layer only answers HTTP 403.
   */
  readonly challengeFor: (principal: Principal, message: { method?: unknown; params?: unknown }) => Promise<readonly string[] | undefined>;
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
  const modern = createMcpHandler((ctx) => opts.createServer(principalOf(ctx.authInfo)), {
    legacy: 'reject',
    maxRequestBodySize: opts.maxBodyBytes,
    onerror: (err) => opts.logger.debug({ err }, 'mcp request rejected'),
  });

  async function stepUp(principal: Principal, body: unknown): Promise<Response | undefined> {
    const message = body as { method?: unknown; params?: unknown };
    const scopes = await opts.challengeFor(principal, message);
    if (!scopes) return undefined;
    const params = message.params as { name?: unknown; uri?: unknown } | undefined;
    opts.logger.info(
      { event: 'authz_step_up', method: message.method, component: params?.name ?? params?.uri, scopes, sub: principal.subject },
      'insufficient scope',
    );
    return opts.insufficientScope(scopes);
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
