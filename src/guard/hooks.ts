/**
 * What the gateway and securityGuard() (in our own server) run around every call: a rate limit
 * before, the output guard after, and one audit event. The surface depends on this interface only.
 */

import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/server';
import type { Principal } from '../auth/principal.js';

export type AuditDecision = 'allowed' | 'denied' | 'quarantined' | 'blocked' | 'rate_limited' | 'error';

export interface CallAuditEvent {
  readonly event: 'tool_call' | 'resource_read' | 'prompt_get';
  readonly principal: Principal;
  /** Namespaced tool, prompt name or resource URI. */
  readonly tool: string;
  readonly upstream?: string | undefined;
  readonly decision: AuditDecision;
  readonly durationMs: number;
  readonly findings: readonly string[];
  readonly redactions: number;
  readonly resultBytes?: number | undefined;
  /** Raw arguments; the audit log drops them unless configured to keep them (redacted). */
  readonly arguments?: unknown;
}

export interface Guarded<T> {
  readonly result: T;
  readonly findings: string[];
  readonly redactions: number;
  readonly blocked: boolean;
  readonly bytes: number;
}

export interface GuardContext {
  readonly tool: string;
  readonly upstream?: string | undefined;
}

export interface CallGuards {
  beforeCall(principal: Principal, tool: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  toolResult(result: CallToolResult, ctx: GuardContext): Promise<Guarded<CallToolResult>>;
  /** Throws GuardBlocked when the output must not reach the client. */
  resourceContents(result: ReadResourceResult, ctx: GuardContext): Promise<Guarded<ReadResourceResult>>;
  promptMessages(result: GetPromptResult, ctx: GuardContext): Promise<Guarded<GetPromptResult>>;
  audit(event: CallAuditEvent): void;
  close(): Promise<void>;
}

/** Thrown by `resourceContents` / `promptMessages` when the output must not reach the client; the message is safe to show. */
export class GuardBlocked extends Error {
  override readonly name = 'GuardBlocked';
  constructor(
    message: string,
    readonly codes: string[],
  ) {
    super(message);
  }
}
