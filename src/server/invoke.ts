import { TRPCError, type AnyTRPCRouter } from '@trpc/server';
import { newErrorId } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import { callIsolated, isolationMeta } from './isolate.js';

export type ProcedureCaller = (path: string, input: unknown) => Promise<unknown>;

type CallerNode = { [key: string]: CallerNode } & ((input?: unknown) => Promise<unknown>);

/**
 * Calls a procedure through tRPC's own caller, so every `.use()` middleware and the
 * input/output parsers run, exactly as they do over `/trpc`. Never call `_def.resolver`.
 * Procedures with `meta.mcp.isolate` go through the same caller inside a worker thread.
 */
export function createProcedureCaller(router: AnyTRPCRouter, ctx: object): ProcedureCaller {
  const caller = router.createCaller(ctx) as unknown as CallerNode;
  return (path, input) => {
    if (isolationMeta(router, path)) {
      const c = ctx as { auth: Principal; transport?: unknown };
      return callIsolated(router, { path, input, auth: c.auth, transport: typeof c.transport === 'string' ? c.transport : 'mcp' });
    }
    let node: CallerNode = caller;
    for (const segment of path.split('.')) node = node[segment] as CallerNode;
    return node(input);
  };
}

/** tRPC codes whose message was written for the client by the procedure's author. */
const CLIENT_FACING = new Set<string>([
  'PARSE_ERROR',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_SUPPORTED',
  'TIMEOUT',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNPROCESSABLE_CONTENT',
  'TOO_MANY_REQUESTS',
  'CLIENT_CLOSED_REQUEST',
]);

export type ClassifiedError =
  | { readonly visible: true; readonly code: string; readonly message: string }
  | { readonly visible: false; readonly errorId: string; readonly cause: unknown };

/**
 * Decides what a client may learn about a failure. Input validation and deliberate
 * TRPCErrors are shown; everything else (5xx codes, plain Errors wrapped by tRPC)
 * is masked behind an error id and must be logged by the caller.
 */
export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof TRPCError && CLIENT_FACING.has(err.code)) {
    const issues = validationIssues(err.cause);
    if (issues) return { visible: true, code: err.code, message: `Invalid input: ${issues}` };
    return { visible: true, code: err.code, message: err.message };
  }
  return { visible: false, errorId: newErrorId(), cause: err };
}

interface Issue {
  path?: readonly PropertyKey[] | readonly { key: PropertyKey }[];
  message: string;
}

function validationIssues(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null || !('issues' in cause)) return undefined;
  const issues = (cause as { issues: unknown }).issues;
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  return (issues as Issue[])
    .slice(0, 10)
    .map((i) => {
      const path = (i.path ?? []).map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p))).join('.');
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}
