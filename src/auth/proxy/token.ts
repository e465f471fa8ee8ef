import type { CodeRecord } from './callback.js';
import { checkResource } from './authorize.js';
import { withAuthenticatedClient } from './client-auth.js';
import type { ClientRecord } from './clients.js';
import type { ProxyContext } from './context.js';
import { OAuthError, jsonResponse } from './errors.js';
import { loadGrant, revokeGrant } from './grants.js';
import { refreshGrant } from './refresh.js';
import { safeEqual, sha256B64url } from './secrets.js';
import { C } from './store.js';
import { issueTokenPair, type TokenResponse } from './tokens.js';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** RFC 7636 S256: BASE64URL(SHA256(verifier)) must equal the stored challenge (constant time). */
export function pkceMatches(verifier: string | null, challenge: string): boolean {
  if (!verifier || !VERIFIER.test(verifier)) return false;
  return safeEqual(sha256B64url(verifier), challenge);
}

/**
 * Authorization code grant. The code is taken (single use, across instances); a code seen
 * twice or presented by another client revokes its grant (RFC 6749 §4.1.2: the code leaked).
 */
export async function exchangeCode(ctx: ProxyContext, client: ClientRecord, form: URLSearchParams): Promise<TokenResponse> {
  const code = form.get('code');
  if (!code) throw new OAuthError('invalid_request', 'code is required');
  // Before taking the code: a wrong resource is a client bug, not a reason to burn the grant.
  if (form.has('resource')) checkResource(form.get('resource'), ctx.resourceUrl);
  const rec = await ctx.store.take<CodeRecord>(C.codes, code);
  if (!rec) {
    const used = await ctx.store.get<{ grantId: string }>(C.usedCodes, code);
    if (used) await revokeGrant(ctx, used.grantId, 'code_replay');
    throw new OAuthError('invalid_grant', 'authorization code is invalid, expired or already used');
  }
  await ctx.store.set(C.usedCodes, code, { grantId: rec.grantId }, { ttlSeconds: 600 });
  const refuse = async (reason: string, message: string): Promise<never> => {
    await revokeGrant(ctx, rec.grantId, reason);
    throw new OAuthError('invalid_grant', message);
  };
  if (rec.clientId !== client.client_id) return refuse('code_wrong_client', 'authorization code was issued to another client');
  // Another MCP server sharing this store: the user approved that resource, not this one (RFC 8707).
  if (rec.resource !== ctx.resourceUrl.href) return refuse('code_wrong_resource', 'authorization code was issued for another resource');
  const redirectUri = form.get('redirect_uri');
  if (redirectUri !== null && redirectUri !== rec.redirectUri)
    return refuse('code_wrong_redirect', 'redirect_uri does not match the authorization request');
  if (!form.get('code_verifier')) return refuse('pkce_missing', 'code_verifier is required');
  if (!pkceMatches(form.get('code_verifier'), rec.codeChallenge))
    return refuse('pkce_mismatch', 'code_verifier does not match the code challenge');
  const grant = await loadGrant(ctx, rec.grantId);
  if (!grant) throw new OAuthError('invalid_grant', 'the grant was revoked');
  return issueTokenPair(ctx, grant);
}

export function handleToken(ctx: ProxyContext, request: Request): Promise<Response> {
  return withAuthenticatedClient(ctx, request, async (client, form) => {
    const grantType = form.get('grant_type');
    let body: TokenResponse;
    if (grantType === 'authorization_code') body = await exchangeCode(ctx, client, form);
    else if (grantType === 'refresh_token') {
      if (!client.grant_types.includes('refresh_token'))
        throw new OAuthError('unauthorized_client', 'this client may not use refresh tokens');
      body = await refreshGrant(ctx, client, form.get('refresh_token'), form.get('scope'));
    } else throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
    return jsonResponse(body);
  });
}
