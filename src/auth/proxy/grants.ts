import type { ProxyContext } from './context.js';
import { C } from './store.js';
import type { UpstreamTokens } from './upstream.js';

/**
 * A grant: one user's authorization of one client, created at the callback. It holds the
 * upstream tokens (encrypted collection) and is what our tokens point to by id. Deleting it
 * revokes every token of ours that refers to it.
 */
export interface Grant {
  readonly id: string;
  readonly clientId: string;
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly resource: string;
  readonly upstream: UpstreamTokens;
  readonly createdAt: number;
}

export async function saveGrant(ctx: ProxyContext, grant: Grant): Promise<void> {
  await ctx.store.set(C.grants, grant.id, grant, { ttlSeconds: ctx.opts.refreshTtl });
}

export async function loadGrant(ctx: ProxyContext, id: string): Promise<Grant | undefined> {
  return ctx.store.get<Grant>(C.grants, id);
}

/**
 * Revokes a grant: removes it (our access and refresh tokens die with it) and revokes the
 * upstream tokens at the upstream's revocation endpoint: the UPSTREAM tokens, never ours.
 */
export async function revokeGrant(ctx: ProxyContext, id: string, reason: string): Promise<boolean> {
  const grant = await ctx.store.take<Grant>(C.grants, id);
  if (!grant) return false;
  ctx.logger.warn({ event: 'grant_revoked', reason, clientId: grant.clientId, sub: grant.subject }, 'grant revoked');
  const calls: Promise<void>[] = [];
  if (grant.upstream.refreshToken) calls.push(ctx.upstream.revoke(grant.upstream.refreshToken, 'refresh_token'));
  calls.push(ctx.upstream.revoke(grant.upstream.accessToken, 'access_token'));
  for (const r of await Promise.allSettled(calls)) {
    if (r.status === 'rejected')
      ctx.logger.warn({ event: 'upstream_revoke_failed', reason: (r.reason as Error).message }, 'upstream revocation failed');
  }
  return true;
}
