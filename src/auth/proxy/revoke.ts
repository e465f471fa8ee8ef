import { withAuthenticatedClient } from './client-auth.js';
import type { ProxyContext } from './context.js';
import { OAuthError } from './errors.js';
import { revokeGrant } from './grants.js';
import { C } from './store.js';
import type { RefreshRecord } from './tokens.js';

/**
 * RFC 7009. Either of our tokens revokes the whole grant, which also revokes the upstream
 * tokens upstream. Unknown or foreign tokens get 200 too (§2.2), so the endpoint reveals nothing.
 */
export function handleRevoke(ctx: ProxyContext, request: Request): Promise<Response> {
  return withAuthenticatedClient(ctx, request, async (client, form) => {
    const token = form.get('token');
    if (!token) throw new OAuthError('invalid_request', 'token is required');
    const grantId = await grantOf(ctx, token, client.client_id);
    if (grantId) {
      await revokeGrant(ctx, grantId, 'client_revocation');
      await ctx.store.delete(C.refresh, token).catch(() => undefined);
    }
    return new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } });
  });
}

/** The grant a token of ours belongs to, if it belongs to this client. */
async function grantOf(ctx: ProxyContext, token: string, clientId: string): Promise<string | undefined> {
  if (token.split('.').length === 3) {
    try {
      const { payload } = await ctx.accessVerifier.verifyJwt(token);
      if (payload.client_id === clientId && typeof payload.gid === 'string') return payload.gid;
    } catch {
      // Expired, foreign or forged: nothing to revoke.
    }
    return undefined;
  }
  if (token.length > 512) return undefined;
  const rec = await ctx.store.get<RefreshRecord>(C.refresh, token);
  return rec && rec.clientId === clientId ? rec.grantId : undefined;
}
