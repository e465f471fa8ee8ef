import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyStore } from '../../../src/auth/proxy/store.js';
import type { SecureStore } from '../../../src/storage/index.js';
import { freePort, initializeBody, rawPost } from '../../helpers/mcp.js';
import { CLIENT_REDIRECT, Browser, authorizeUrl, fullFlow, pkce, registerClient, startStack, tokenRequest, type Stack } from './harness.js';
import { SCOPES } from './harness.js';
import { startUpstreamIdp, type UpstreamIdp } from './upstream-idp.js';

const bearer = (t: unknown) => ({ authorization: `Bearer ${String(t)}` });
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('two proxy instances behind one URL share one Redis and act as one server', () => {
  const prefix = `mcpb-proxy-test-${randomBytes(6).toString('hex')}:`;
  const keys = [randomBytes(32).toString('base64')];
  let idp: UpstreamIdp;
  let storeA: SecureStore;
  let storeB: SecureStore;
  let a: Stack;
  let b: Stack;

  beforeAll(async () => {
    // Fails (does not skip) when Redis is unreachable.
    storeA = await createProxyStore({ type: 'redis', url: REDIS_URL, keyPrefix: prefix, keys });
    storeB = await createProxyStore({ type: 'redis', url: REDIS_URL, keyPrefix: prefix, keys });
    const publicPort = await freePort();
    idp = await startUpstreamIdp({
      callbackUrl: `http://127.0.0.1:${publicPort}/auth/callback`,
      scopes: SCOPES,
      grantScopes: ['notes:read', 'notes:write'],
    });
    a = await startStack({ port: publicPort, store: storeA, idp });
    b = await startStack({ publicPort, store: storeB, idp });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await storeA?.close();
    await storeB?.close();
    await idp?.close();
    // Leave nothing behind in the shared Redis: every key of this run carries the unique prefix.
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  });

  it('both instances use one signing key', async () => {
    expect((await a.proxy.context()).keys.kid).toBe((await b.proxy.context()).keys.kid);
  });

  it('register on B, authorize on B (callback lands on A), exchange on B, refresh on A then B, call tools on both', async () => {
    const { client_id } = await registerClient(b.direct);
    const { verifier, challenge } = pkce();
    const browser = new Browser({ consent: 'approve' });
    const r = await browser.run(
      authorizeUrl(b.direct, { clientId: client_id, challenge, method: 'S256', resource: b.resource }),
      CLIENT_REDIRECT,
    );
    if (!('url' in r)) throw new Error(`flow stopped: ${r.stopped.status} ${r.body.slice(0, 200)}`);
    const code = r.url.searchParams.get('code') as string;
    expect(r.url.searchParams.get('iss')).toBe(a.base);
    const t = await tokenRequest(b.direct, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id,
      redirect_uri: CLIENT_REDIRECT,
    });
    expect(t.status).toBe(200);
    expect((await rawPost(a.direct, initializeBody(), bearer(t.body.access_token))).status).toBe(200);
    expect((await rawPost(b.direct, initializeBody(), bearer(t.body.access_token))).status).toBe(200);
    const r1 = await tokenRequest(a.direct, { grant_type: 'refresh_token', refresh_token: t.body.refresh_token as string, client_id });
    expect(r1.status).toBe(200);
    const r2 = await tokenRequest(b.direct, { grant_type: 'refresh_token', refresh_token: r1.body.refresh_token as string, client_id });
    expect(r2.status).toBe(200);
    expect((await rawPost(a.direct, initializeBody(), bearer(r2.body.access_token))).status).toBe(200);
  });

  it('a code is single-use across instances: one of two concurrent exchanges wins', async () => {
    const { client_id } = await registerClient(a.direct);
    const { verifier, challenge } = pkce();
    const browser = new Browser({ consent: 'approve' });
    const r = await browser.run(
      authorizeUrl(a.direct, { clientId: client_id, challenge, method: 'S256', resource: a.resource }),
      CLIENT_REDIRECT,
    );
    if (!('url' in r)) throw new Error('flow stopped');
    const form = {
      grant_type: 'authorization_code',
      code: r.url.searchParams.get('code') as string,
      code_verifier: verifier,
      client_id,
      redirect_uri: CLIENT_REDIRECT,
    };
    const results = await Promise.all([tokenRequest(a.direct, form), tokenRequest(b.direct, form)]);
    expect(results.map((x) => x.status).sort()).toEqual([200, 400]);
  });

  it('parallel refreshes of one token on both instances get the same pair (grace works across instances)', async () => {
    const { clientId, tokens } = await fullFlow(a);
    const form = { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, client_id: clientId };
    const results = await Promise.all([
      tokenRequest(a.direct, form),
      tokenRequest(b.direct, form),
      tokenRequest(a.direct, form),
      tokenRequest(b.direct, form),
    ]);
    expect(results.map((x) => x.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(results.map((x) => x.body.refresh_token)).size).toBe(1);
  });

  it('revocation on one instance is seen by the other at once', async () => {
    const { clientId, tokens } = await fullFlow(a);
    expect((await rawPost(b.direct, initializeBody(), bearer(tokens.access_token))).status).toBe(200);
    await fetch(`${a.direct}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token as string, client_id: clientId }).toString(),
    });
    expect((await rawPost(b.direct, initializeBody(), bearer(tokens.access_token))).status).toBe(401);
  });
});

describe('file store: a new proxy instance over the same directory accepts tokens of the old one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refresh token issued before a restart works after it', async () => {
    const port = await freePort();
    const idp = await startUpstreamIdp({
      callbackUrl: `http://127.0.0.1:${port}/auth/callback`,
      scopes: SCOPES,
      grantScopes: ['notes:read', 'notes:write'],
    });
    try {
      const store1 = await createProxyStore({ type: 'file', path: dir });
      const first = await startStack({ port, store: store1, idp });
      const { clientId, tokens } = await fullFlow(first);
      await first.close();
      await store1.close();
      // Let the HTTP client notice the old server's closed keep-alive sockets.
      await new Promise((r) => setTimeout(r, 300));

      const store2 = await createProxyStore({ type: 'file', path: dir });
      const second = await startStack({ port, store: store2, idp });
      try {
        // The access token signed before the restart still verifies (the key was persisted, encrypted).
        expect((await rawPost(second.base, initializeBody(), bearer(tokens.access_token))).status).toBe(200);
        const r = await tokenRequest(second.base, {
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token as string,
          client_id: clientId,
        });
        expect(r.status).toBe(200);
        expect((await rawPost(second.base, initializeBody(), bearer(r.body.access_token))).status).toBe(200);
      } finally {
        await second.close();
        await store2.close();
      }
    } finally {
      await idp.close();
    }
  });
});
