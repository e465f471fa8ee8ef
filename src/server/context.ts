import type { Principal } from '../auth/principal.js';

export type Transport = 'http' | 'stdio';

/** Builds the tRPC context for a call; `auth` is always set by mcp-bastion. */
export type ContextFactory = (opts: { auth: Principal; transport: Transport; request?: Request | undefined }) => object | Promise<object>;

/**
 * The context every procedure call gets, on `/mcp`, stdio and `/trpc` alike: the user's own
 * context, with `auth` set last so a factory cannot replace the verified principal.
 */
export async function buildContext(
  factory: ContextFactory | undefined,
  principal: Principal,
  transport: Transport,
  request: Request | undefined,
): Promise<object & { auth: Principal }> {
  if (!factory) return { auth: principal };
  return { ...(await factory({ auth: principal, transport, request })), auth: principal };
}
