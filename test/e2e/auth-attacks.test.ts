import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { JwtVerifier } from '../../src/auth/verifiers/jwt.js';
import { tokenAuth } from '../../src/auth/resource-server.js';
import { createJwksServer, generateKeyPair, mintToken, type JwksServer, type TestKeyPair } from '../../src/testing/index.js';
import { createDemoRouter, demoRules, type DemoRouter } from '../../src/demo/router.js';
import { PROTOCOLS, connectClient, freePort, initializeBody, rawPost, startServer, type Started } from '../helpers/mcp.js';

const ISSUER = 'https://idp.example';
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('token verification on /mcp and /trpc, from the attacker’s side', () => {
  let keys: TestKeyPair;
  let jwks: JwksServer;
  let s: Started;
  let resource: string;
  let challengeServer: Started;
  const mint = (o: Partial<Parameters<typeof mintToken>[1]> = {}) =>
    mintToken(keys, { sub: 'alice', aud: resource, iss: ISSUER, scope: 'notes:read notes:write', ...o });
  const post = (token: string | undefined, body = initializeBody(), url = s.url) =>
    rawPost(url, body, token === undefined ? {} : { authorization: `Bearer ${token}` });
  const expect401 = async (res: Response, invalidToken = true) => {
    expect(res.status).toBe(401);
    const h = res.headers.get('www-authenticate') ?? '';
    expect(h).toMatch(/^Bearer /);
    expect(h).toContain(`resource_metadata="${s.url}/.well-known/oauth-protected-resource/mcp"`);
    expect(h).toMatch(/scope="[^"]+"/);
    if (invalidToken) expect(h).toContain('error="invalid_token"');
    else expect(h).not.toContain('error=');
  };

  beforeAll(async () => {
    keys = await generateKeyPair('RS256');
    jwks = await createJwksServer([keys]);
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    const verifier = new JwtVerifier({
      jwksUri: jwks.url,
      issuer: ISSUER,
      audience: resource,
      allowInsecureLoopback: true,
      jwksCooldownSeconds: 300,
    });
    s = await startServer({
      name: 'jwt',
      version: '1',
      router: createDemoRouter(),
      rules: demoRules,
      auth: tokenAuth(verifier),
      http: { port },
    });
    const port2 = await freePort();
    const verifier2 = new JwtVerifier({
      jwksUri: jwks.url,
      issuer: ISSUER,
      audience: `http://127.0.0.1:${port2}/mcp`,
      allowInsecureLoopback: true,
    });
    challengeServer = await startServer({
      name: 'jwt',
      version: '1',
      router: createDemoRouter(),
      rules: demoRules,
      auth: tokenAuth(verifier2),
      onInsufficientScope: 'challenge',
      http: { port: port2 },
    });
  });
  afterAll(async () => {
    await s.close();
    await challengeServer.close();
    await jwks.close();
  });

  it('answers a request without a token with 401, resource_metadata and scope, never 200', async () => {
    await expect401(await post(undefined), false);
    const trpc = await fetch(`${s.url}/trpc/whoami`);
    expect(trpc.status).toBe(401);
  });

  it('answers an anonymous 2 MiB body with 401 before reading it; with a token, the body limit applies (413)', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    expect((await post(undefined, big)).status).toBe(401);
    expect((await post(await mint(), big)).status).toBe(413);
  });

  it('accepts a valid token', async () => {
    expect((await post(await mint())).status).toBe(200);
  });

  it('1. rejects alg: none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', aud: resource, iss: ISSUER, exp: now + 300, scope: 'notes:read notes:write' })}.`;
    await expect401(await post(token));
  });

  it('2. rejects HS256 signed with the RSA public key as the secret', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'alice', aud: resource, iss: ISSUER, scope: 'notes:read' })
      .setProtectedHeader({ alg: 'HS256', kid: keys.kid })
      .setExpirationTime(now + 300)
      .sign(new TextEncoder().encode(keys.publicPem));
    await expect401(await post(token));
  });

  it('3. rejects an expired token', async () => {
    const iat = Math.floor(Date.now() / 1000) - 3600;
    const res = await post(await mint({ iat, ttlSeconds: 60 }));
    await expect401(res);
    expect(res.headers.get('www-authenticate')).toContain('expired');
  });

  it('4. rejects nbf in the future', async () => {
    await expect401(await post(await mint({ nbf: Math.floor(Date.now() / 1000) + 600 })));
  });

  it('5. rejects the wrong issuer', async () => {
    await expect401(await post(await mint({ iss: 'https://evil.example' })));
  });

  it('6./7. rejects the wrong audience, including a token the same IdP issued for another resource', async () => {
    await expect401(await post(await mint({ aud: 'https://other-service.example' })));
    await expect401(await post(await mint({ aud: 'http://127.0.0.1:1/mcp' })));
  });

  it('8. rejects an unknown kid; 1,000 concurrent unknown-kid requests cause at most one JWKS fetch', async () => {
    const attacker = await generateKeyPair('RS256');
    const before = jwks.fetchCount;
    const tokens = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => mintToken(attacker, { sub: 'mallory', aud: resource, iss: ISSUER, kid: `random-${i}` })),
    );
    const results = await Promise.all(tokens.map((t) => post(t)));
    for (const r of results) expect(r.status).toBe(401);
    expect(jwks.fetchCount - before).toBeLessThanOrEqual(1);
  });

  it('9. rejects truncated and garbage tokens', async () => {
    const good = await mint();
    for (const t of [good.slice(0, -10), good.split('.').slice(0, 2).join('.'), 'garbage', 'a.b.c', `${good}x`, 'eyJ.eyJ.']) {
      await expect401(await post(t));
    }
    const res = await rawPost(s.url, initializeBody(), { authorization: 'Basic YWxpY2U6c2VjcmV0' });
    expect(res.status).toBe(401);
  });

  it('10. rejects a token in the query string, even alongside a valid header', async () => {
    const token = await mint();
    for (const url of [`${s.url}/mcp?access_token=${token}`, `${s.url}/mcp?token=${token}`]) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
        body: initializeBody(),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"');
    }
    expect((await fetch(`${s.url}/trpc/whoami?access_token=${token}`)).status).toBe(400);
  });

  it('11a. a tool the caller lacks scopes for is hidden: listed nowhere, and calling it is "not found"', async () => {
    for (const protocol of PROTOCOLS) {
      const client = await connectClient(s.url, protocol, { authorization: `Bearer ${await mint({ scope: 'notes:read' })}` });
      try {
        const names = (await client.listTools()).tools.map((t) => t.name).sort();
        expect(names).toEqual(['notes_list', 'whoami']);
        const errors = await Promise.all(
          ['notes_add', 'admin_reset', 'no_such_tool'].map((name) =>
            client.callTool({ name, arguments: { text: 'x' } }).then(
              () => 'ok',
              (e: Error) => e.message.replace(name, 'NAME'),
            ),
          ),
        );
        expect(new Set(errors).size).toBe(1);
        expect(errors[0]).toMatch(/Tool NAME not found/);
      } finally {
        await client.close();
      }
    }
  });

  it('11b. in challenge mode the tool stays listed and a call answers 403 insufficient_scope naming the scopes', async () => {
    const aud = challengeServer.url + '/mcp';
    const token = await mintToken(keys, { sub: 'alice', aud, iss: ISSUER, scope: 'notes:read' });
    const client = await connectClient(challengeServer.url, '2025-11-25', { authorization: `Bearer ${token}` });
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('notes_add');
    await client.close();
    const res = await rawPost(
      challengeServer.url,
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'admin_reset', arguments: {} } }),
      { authorization: `Bearer ${token}` },
    );
    expect(res.status).toBe(403);
    const h = res.headers.get('www-authenticate') ?? '';
    expect(h).toContain('error="insufficient_scope"');
    expect(h).toContain('scope="admin"');
    expect(h).toContain('resource_metadata=');
    const trpc = await fetch(`${challengeServer.url}/trpc/notes.add`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"text":"x"}',
    });
    expect(trpc.status).toBe(403);
    expect(trpc.headers.get('www-authenticate')).toContain('scope="notes:write"');
  });

  it('12. refuses another principal’s session ID with the same 404 as an unknown one', async () => {
    const alice = await mint({ sub: 'alice' });
    const mallory = await mint({ sub: 'mallory' });
    const init = await post(alice);
    const sid = init.headers.get('mcp-session-id') ?? '';
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const headers = (t: string) => ({ authorization: `Bearer ${t}`, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' });
    expect((await rawPost(s.url, list, headers(alice))).status).toBe(200);
    const stolen = await rawPost(s.url, list, headers(mallory));
    expect(stolen.status).toBe(404);
    const unknown = await rawPost(s.url, list, { ...headers(mallory), 'mcp-session-id': crypto.randomUUID() });
    expect(await stolen.text()).toBe(await unknown.text());
    // Without a token at all, the session is no key: authentication comes first.
    expect((await rawPost(s.url, list, { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' })).status).toBe(401);
  });

  it('/trpc enforces the same rules: hidden procedures are "not found", principal reaches ctx.auth', async () => {
    const ro = createTRPCClient<DemoRouter>({
      links: [
        httpLink({
          url: `${s.url}/trpc`,
          headers: async () => ({ authorization: `Bearer ${await mint({ sub: 'bob', scope: 'notes:read' })}` }),
        }),
      ],
    });
    expect((await ro.whoami.query()).subject).toBe('bob');
    expect((await ro.notes.list.query()).notes).toEqual([]);
    const denied = await ro.notes.add.mutate({ text: 'x' }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(TRPCClientError);
    expect((denied as TRPCClientError<DemoRouter>).data?.code).toBe('NOT_FOUND');
    await expect(ro.admin.reset.mutate()).rejects.toThrow(/No procedure found on path "admin.reset"/);
  });

  it('/trpc cannot be bypassed with path variants (trailing slash, encodings, batches, bad escapes)', async () => {
    const nobody = await mint({ sub: 'eve', scope: '' });
    const get = (p: string) => fetch(`${s.url}/trpc/${p}`, { headers: { authorization: `Bearer ${nobody}` } });
    for (const p of [
      'notes.list',
      'notes.list/',
      'notes.list//',
      'notes%2Elist',
      'notes%2elist/',
      'whoami,notes.list?batch=1&input=%7B%7D',
      'notes.list%',
      './notes.list',
      'notes.list%00',
    ]) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(await res.text(), p).not.toContain('"result"');
    }
    expect((await get('whoami')).status).toBe(200);
  });

  it('keeps each principal’s notes apart', async () => {
    const a = await connectClient(s.url, '2026-07-28', { authorization: `Bearer ${await mint({ sub: 'carol' })}` });
    const b = await connectClient(s.url, '2026-07-28', { authorization: `Bearer ${await mint({ sub: 'dave' })}` });
    await a.callTool({ name: 'notes_add', arguments: { text: 'carol only' } });
    const seen = await b.callTool({ name: 'notes_list', arguments: {} });
    expect(JSON.stringify(seen.structuredContent)).not.toContain('carol only');
    await a.close();
    await b.close();
  });
});
