import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grant } from '../../../src/auth/proxy/grants.js';
import { initializeBody, rawPost } from '../../helpers/mcp.js';
import { fullFlow, startStack, tokenRequest, type Stack } from './harness.js';

const bearer = (t: unknown) => ({ authorization: `Bearer ${String(t)}` });
const gidOf = (jwt: unknown) =>
  (JSON.parse(Buffer.from(String(jwt).split('.')[1] as string, 'base64url').toString()) as { gid: string }).gid;

describe('upstream tokens: transparent refresh, one refresher, revocation sends the upstream token', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => s?.close());

  async function expireUpstream(gid: string): Promise<Grant> {
    const ctx = await s.proxy.context();
    const g = (await ctx.store.get<Grant>('oauthproxy.grants', gid)) as Grant;
    const stale = { ...g, upstream: { ...g.upstream, expiresAt: Math.floor(Date.now() / 1000) - 1 } };
    await ctx.store.set('oauthproxy.grants', gid, stale);
    return stale;
  }

  it('an expired upstream token is refreshed once, even by many parallel requests', async () => {
    const { tokens } = await fullFlow(s);
    const gid = gidOf(tokens.access_token);
    const stale = await expireUpstream(gid);
    const before = s.idp.tokenRequests.length;
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => rawPost(s.base, initializeBody(), bearer(tokens.access_token))));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(s.idp.tokenRequests.length - before).toBe(1);
    const ctx = await s.proxy.context();
    const fresh = (await ctx.store.get<Grant>('oauthproxy.grants', gid)) as Grant;
    expect(fresh.upstream.accessToken).not.toBe(stale.upstream.accessToken);
    expect((await s.idp.introspect(fresh.upstream.accessToken)).active).toBe(true);
  });

  it('our refresh grant also refreshes an expired upstream token', async () => {
    const { clientId, tokens } = await fullFlow(s);
    const gid = gidOf(tokens.access_token);
    const stale = await expireUpstream(gid);
    const r = await tokenRequest(s.base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: clientId,
    });
    expect(r.status).toBe(200);
    const ctx = await s.proxy.context();
    expect(((await ctx.store.get<Grant>('oauthproxy.grants', gid)) as Grant).upstream.accessToken).not.toBe(stale.upstream.accessToken);
  });

  it('an upstream session revoked at the upstream ends ours (401, grant removed)', async () => {
    const { tokens } = await fullFlow(s);
    const gid = gidOf(tokens.access_token);
    const ctx = await s.proxy.context();
    const g = (await ctx.store.get<Grant>('oauthproxy.grants', gid)) as Grant;
    // Revoke the upstream refresh token directly at the upstream, then expire the access token.
    await ctx.upstream.revoke(g.upstream.refreshToken as string, 'refresh_token');
    await ctx.upstream.revoke(g.upstream.accessToken, 'access_token');
    expect((await rawPost(s.base, initializeBody(), bearer(tokens.access_token))).status).toBe(401);
    expect(await ctx.store.get('oauthproxy.grants', gid)).toBeUndefined();
  });

  it('revoking an access token of ours revokes the grant and the upstream tokens (the upstream ones, sent upstream)', async () => {
    const { clientId, tokens } = await fullFlow(s);
    const gid = gidOf(tokens.access_token);
    const ctx = await s.proxy.context();
    const g = (await ctx.store.get<Grant>('oauthproxy.grants', gid)) as Grant;
    const revs = s.idp.revocations.length;
    const res = await fetch(`${s.base}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token as string, client_id: clientId }).toString(),
    });
    expect(res.status).toBe(200);
    expect(s.idp.revocations.length - revs).toBe(2);
    expect((await s.idp.introspect(g.upstream.accessToken)).active).toBe(false);
    expect((await s.idp.introspect(g.upstream.refreshToken as string)).active).toBe(false);
    expect(
      (await tokenRequest(s.base, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, client_id: clientId }))
        .status,
    ).toBe(400);
  });

  it('revocation by another client, or of an unknown token, answers 200 and revokes nothing', async () => {
    const { clientId, tokens } = await fullFlow(s);
    const other = await fullFlow(s);
    for (const token of [tokens.refresh_token as string, tokens.access_token as string, 'garbage']) {
      const res = await fetch(`${s.base}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: other.clientId }).toString(),
      });
      expect(res.status).toBe(200);
    }
    expect((await rawPost(s.base, initializeBody(), bearer(tokens.access_token))).status).toBe(200);
    expect(
      (await tokenRequest(s.base, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, client_id: clientId }))
        .status,
    ).toBe(200);
  });

  it('upstream tokens are stored encrypted and codes/refresh tokens only as hashes', async () => {
    const { tokens } = await fullFlow(s);
    const ctx = await s.proxy.context();
    const refreshKeys = await ctx.store.list('oauthproxy.refresh');
    expect(refreshKeys).not.toContain(tokens.refresh_token);
    expect(refreshKeys.every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
    await expect(ctx.store.increment('oauthproxy.grants', 'x')).rejects.toThrow(/encrypted/);
  });
});
