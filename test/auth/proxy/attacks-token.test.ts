import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeBody, rawPost } from '../../helpers/mcp.js';
import { CLIENT_REDIRECT, authorizeCode, fullFlow, pkce, registerClient, startStack, tokenRequest, type Stack } from './harness.js';

const bearer = (t: unknown) => ({ authorization: `Bearer ${String(t)}` });

describe('attacks on /token, refresh rotation and our access tokens', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ proxy: { refreshGraceSeconds: 2 } });
  });
  afterAll(async () => s?.close());

  async function codeFor(clientId: string) {
    const { verifier, challenge } = pkce();
    const q = await authorizeCode(s, clientId, challenge);
    return { code: q.get('code') as string, verifier };
  }

  it('a wrong PKCE verifier is refused and burns the code', async () => {
    const { client_id } = await registerClient(s.base);
    const { code, verifier } = await codeFor(client_id);
    const bad = await tokenRequest(s.base, {
      grant_type: 'authorization_code',
      code,
      code_verifier: pkce().verifier,
      client_id,
      redirect_uri: CLIENT_REDIRECT,
    });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const good = await tokenRequest(s.base, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id,
      redirect_uri: CLIENT_REDIRECT,
    });
    expect(good).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a missing PKCE verifier is refused', async () => {
    const { client_id } = await registerClient(s.base);
    const { code } = await codeFor(client_id);
    expect(await tokenRequest(s.base, { grant_type: 'authorization_code', code, client_id, redirect_uri: CLIENT_REDIRECT })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });

  it('a replayed code is refused and revokes the tokens issued for it', async () => {
    const { client_id } = await registerClient(s.base);
    const { code, verifier } = await codeFor(client_id);
    const form = { grant_type: 'authorization_code', code, code_verifier: verifier, client_id, redirect_uri: CLIENT_REDIRECT };
    const first = await tokenRequest(s.base, form);
    expect(first.status).toBe(200);
    expect((await rawPost(s.base, initializeBody(), bearer(first.body.access_token))).status).toBe(200);
    expect(await tokenRequest(s.base, form)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await rawPost(s.base, initializeBody(), bearer(first.body.access_token))).status).toBe(401);
  });

  it('a code used by another client is refused', async () => {
    const victim = await registerClient(s.base);
    const attacker = await registerClient(s.base);
    const { code, verifier } = await codeFor(victim.client_id);
    expect(
      await tokenRequest(s.base, {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        client_id: attacker.client_id,
        redirect_uri: CLIENT_REDIRECT,
      }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
  });

  it('a code with another redirect_uri is refused', async () => {
    const { client_id } = await registerClient(s.base);
    const { code, verifier } = await codeFor(client_id);
    expect(
      await tokenRequest(s.base, {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        client_id,
        redirect_uri: 'http://127.0.0.1:1/other',
      }),
    ).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('confidential clients authenticate with client_secret_basic or client_secret_post; a wrong secret gets 401', async () => {
    const conf = await registerClient(s.base, { token_endpoint_auth_method: 'client_secret_basic' });
    const secret = conf.client_secret as string;
    const basic = (id: string, pw: string) => ({
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(pw)}`).toString('base64')}`,
    });
    let { code, verifier } = await codeFor(conf.client_id);
    const wrong = await tokenRequest(
      s.base,
      { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CLIENT_REDIRECT },
      basic(conf.client_id, `${secret}x`),
    );
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const none = await tokenRequest(s.base, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: conf.client_id,
      redirect_uri: CLIENT_REDIRECT,
    });
    expect(none.status).toBe(401);
    const ok = await tokenRequest(
      s.base,
      { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CLIENT_REDIRECT },
      basic(conf.client_id, secret),
    );
    expect(ok.status).toBe(200);
    ({ code, verifier } = await codeFor(conf.client_id));
    const post = await tokenRequest(s.base, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: CLIENT_REDIRECT,
      client_id: conf.client_id,
      client_secret: secret,
    });
    expect(post.status).toBe(200);
  });

  it('a public client presenting a secret is refused', async () => {
    const { client_id } = await registerClient(s.base);
    const { code, verifier } = await codeFor(client_id);
    expect(
      await tokenRequest(s.base, {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        client_id,
        client_secret: 'guess',
        redirect_uri: CLIENT_REDIRECT,
      }),
    ).toMatchObject({ status: 401 });
  });

  it('refresh rotates; a token reused after rotation (past the grace window) revokes the whole grant', async () => {
    const { clientId, tokens } = await fullFlow(s);
    const r1 = await tokenRequest(s.base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: clientId,
    });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(tokens.refresh_token);
    expect((await rawPost(s.base, initializeBody(), bearer(r1.body.access_token))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3_200));
    const reuse = await tokenRequest(s.base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: clientId,
    });
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The legitimate holder of the new pair is logged out too: the grant is gone.
    expect((await rawPost(s.base, initializeBody(), bearer(r1.body.access_token))).status).toBe(401);
    expect(
      (await tokenRequest(s.base, { grant_type: 'refresh_token', refresh_token: r1.body.refresh_token as string, client_id: clientId }))
        .status,
    ).toBe(400);
  });

  it('parallel retries of one refresh token within the grace window get the SAME new pair', async () => {
    const { clientId, tokens } = await fullFlow(s);
    const form = { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, client_id: clientId };
    const results = await Promise.all([1, 2, 3, 4].map(() => tokenRequest(s.base, form)));
    for (const r of results) expect(r.status).toBe(200);
    expect(new Set(results.map((r) => r.body.refresh_token)).size).toBe(1);
    expect(new Set(results.map((r) => r.body.access_token)).size).toBe(1);
    // A sequential retry moments later still gets the same pair, and the pair works.
    const retry = await tokenRequest(s.base, form);
    expect(retry.body.refresh_token).toBe(results[0]?.body.refresh_token);
    expect((await rawPost(s.base, initializeBody(), bearer(retry.body.access_token))).status).toBe(200);
  });

  it('a refresh claim left by a crashed instance is released after 30 s instead of locking the user out', async () => {
    const { clientId, tokens } = await fullFlow(s);
    const ctx = await s.proxy.context();
    const rec = (await ctx.store.get('oauthproxy.refresh', tokens.refresh_token as string)) as Record<string, unknown>;
    await ctx.store.set('oauthproxy.refresh', tokens.refresh_token as string, {
      ...rec,
      state: 'rotating',
      at: Math.floor(Date.now() / 1000) - 60,
    });
    const r = await tokenRequest(s.base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: clientId,
    });
    expect(r.status).toBe(200);
  });

  it('a refresh token presented by another client is refused and revokes the grant', async () => {
    const { tokens } = await fullFlow(s);
    const other = await registerClient(s.base);
    expect(
      (
        await tokenRequest(s.base, {
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token as string,
          client_id: other.client_id,
        })
      ).status,
    ).toBe(400);
    expect((await rawPost(s.base, initializeBody(), bearer(tokens.access_token))).status).toBe(401);
  });

  it('a refresh cannot widen the scope', async () => {
    const { clientId, tokens } = await fullFlow(s);
    const r = await tokenRequest(s.base, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: clientId,
      scope: 'notes:read admin',
    });
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
  });

  it('an upstream-style token with our issuer but forged signature is refused', async () => {
    const { tokens } = await fullFlow(s);
    const [h, p] = (tokens.access_token as string).split('.');
    const forged = `${h as string}.${p as string}.${Buffer.from('x'.repeat(64)).toString('base64url')}`;
    expect((await rawPost(s.base, initializeBody(), bearer(forged))).status).toBe(401);
  });

  it('unsupported grant types and repeated parameters are refused', async () => {
    const { client_id } = await registerClient(s.base);
    expect(await tokenRequest(s.base, { grant_type: 'password', client_id })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
    const res = await fetch(`${s.base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=a&code=b&client_id=${client_id}`,
    });
    expect(res.status).toBe(400);
  });
});

describe('our token presented to another resource', () => {
  it('is refused with 401 even by a proxy sharing the same signing key (aud mismatch)', async () => {
    const a = await startStack();
    const b = await startStack({ store: a.store, idp: a.idp });
    try {
      const { tokens } = await fullFlow(a);
      expect((await rawPost(a.base, initializeBody(), bearer(tokens.access_token))).status).toBe(200);
      const res = await rawPost(b.base, initializeBody(), bearer(tokens.access_token));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/invalid_token/);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
