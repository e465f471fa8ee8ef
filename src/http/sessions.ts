import { randomUUID } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport, isInitializeRequest, type AuthInfo, type Server } from '@modelcontextprotocol/server';
import type { Logger } from '../log.js';
import type { Principal } from '../auth/principal.js';
import { jsonRpcError } from './jsonrpc.js';

export interface SessionOptions {
  /** Close a session after this long without a request. Default 30 minutes. */
  readonly idleTimeoutMs: number;
  /** Live sessions across all principals; new ones get 503 beyond it. Default 10,000. */
  readonly maxSessions: number;
  /** Live sessions of one user (issuer and subject, across all their clients); the oldest is closed beyond it. Default 32. */
  readonly maxSessionsPerPrincipal: number;
  readonly maxBodyBytes: number;
}

interface Session {
  readonly id: string;
  readonly owner: string;
  /** Whose quota the session counts against: the user, whichever client they came through. */
  readonly quota: string;
  readonly transport: WebStandardStreamableHTTPServerTransport;
  readonly server: Server;
  lastSeen: number;
}

/** The identity a session is bound to: the same issuer, subject and client must come back. */
export function sessionOwner(p: Principal): string {
  const iss = typeof p.claims.iss === 'string' ? p.claims.iss : '';
  return JSON.stringify([p.kind, iss, p.subject, p.clientId ?? '']);
}

/**
 * The per-principal session cap counts a user across all their clients: with open client
 * registration a client id costs nothing, so a per-(user, client) cap would let one account
 * fill the global cap.
 */
export function sessionQuotaKey(p: Principal): string {
  const iss = typeof p.claims.iss === 'string' ? p.claims.iss : '';
  return JSON.stringify([p.kind, iss, p.subject]);
}

/**
 * Sessions for 2025-era clients (protocol 2025-06-18 and 2025-11-25 use `Mcp-Session-Id`;
 * 2026-07-28 has none). IDs come from `randomUUID` (a CSPRNG). A session answers only the
 * principal that created it; any other caller gets the same 404 as an unknown ID, so IDs
 * cannot be probed.
 */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly opts: SessionOptions,
    private readonly createServer: (principal: Principal) => Server,
    private readonly logger: Logger,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), Math.min(60_000, Math.max(1_000, opts.idleTimeoutMs / 2)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  async handle(request: Request, parsedBody: unknown, principal: Principal, authInfo: AuthInfo | undefined): Promise<Response> {
    const sid = request.headers.get('mcp-session-id');
    if (sid === null) {
      if (request.method === 'POST' && isInitializeRequest(parsedBody)) return this.open(request, parsedBody, principal, authInfo);
      return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required (send initialize first)');
    }
    const session = this.sessions.get(sid);
    if (!session || session.owner !== sessionOwner(principal)) {
      if (session) this.logger.warn({ event: 'session_principal_mismatch' }, 'session used by another principal');
      return jsonRpcError(404, -32001, 'Session not found');
    }
    session.lastSeen = Date.now();
    const options = { authInfo, ...(parsedBody === undefined ? {} : { parsedBody }) };
    return session.transport.handleRequest(request, options);
  }

  private async open(request: Request, parsedBody: unknown, principal: Principal, authInfo: AuthInfo | undefined): Promise<Response> {
    const owner = sessionOwner(principal);
    const quota = sessionQuotaKey(principal);
    this.evictOldestOf(quota);
    if (this.sessions.size >= this.opts.maxSessions) {
      await this.sweep();
      if (this.sessions.size >= this.opts.maxSessions) {
        this.logger.warn({ event: 'session_cap_reached', max: this.opts.maxSessions }, 'session cap reached');
        return jsonRpcError(503, -32000, 'Too many sessions, try again later', null, { 'retry-after': '30' });
      }
    }
    const server = this.createServer(principal);
    let session: Session | undefined;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      maxRequestBodySize: this.opts.maxBodyBytes,
      onsessioninitialized: (id) => {
        session = { id, owner, quota, transport, server, lastSeen: Date.now() };
        this.sessions.set(id, session);
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (session) this.sessions.delete(session.id);
    };
    await server.connect(transport);
    return transport.handleRequest(request, { authInfo, parsedBody });
  }

  private evictOldestOf(quota: string): void {
    const mine = [...this.sessions.values()].filter((s) => s.quota === quota);
    if (mine.length < this.opts.maxSessionsPerPrincipal) return;
    mine.sort((a, b) => a.lastSeen - b.lastSeen);
    for (const s of mine.slice(0, mine.length - this.opts.maxSessionsPerPrincipal + 1)) void this.closeSession(s);
  }

  private async sweep(): Promise<void> {
    const cutoff = Date.now() - this.opts.idleTimeoutMs;
    const idle = [...this.sessions.values()].filter((s) => s.lastSeen < cutoff);
    await Promise.all(idle.map((s) => this.closeSession(s)));
  }

  private async closeSession(s: Session): Promise<void> {
    this.sessions.delete(s.id);
    await s.transport.close().catch(() => undefined);
    await s.server.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((s) => this.closeSession(s)));
  }
}
