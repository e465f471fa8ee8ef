import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_REDIRECT,
  Browser,
  authorizeCode,
  authorizeUrl,
  pkce,
  registerClient,
  startStack,
  tokenRequest,
  type Stack,
} from './harness.js';

describe('attacks on /register and /authorize', () => {
  let s: Stack;
  let clientId: string;
  beforeAll(async () => {
    s = await startStack();
    clientId = (await registerClient(s.base)).client_id;
  });
  afterAll(async () => s?.close());

  const get = (url: string) => fetch(url, { redirect: 'manual' });

  it('registering the open-redirect form http://localhost:x@evil.example is refused', async () => {
    const res = await fetch(`${s.base}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://localhost:x@evil.example/cb'] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_redirect_uri' });
  });

  it.each([
    ['javascript:alert(1)'],
    ['data:text/html,x'],
    ['http://evil.example/cb'],
    ['https://app.example/cb#frag'],
    ['https://app.example/a/../b'],
  ])('registering %s is refused', async (uri) => {
    const res = await fetch(`${s.base}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [uri] }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()) as { error: string }).toMatchObject({ error: 'invalid_redirect_uri' });
  });

  it('client ids are random and registration returns no secret for public clients', async () => {
    const a = await registerClient(s.base);
    const b = await registerClient(s.base);
    expect(a.client_id).not.toBe(b.client_id);
    expect(a.client_id.length).toBeGreaterThan(30);
    expect(a.client_secret).toBeUndefined();
    const conf = await registerClient(s.base, { token_endpoint_auth_method: 'client_secret_basic' });
    expect(conf.client_secret).toBeTruthy();
  });

  it('an unregistered redirect URI gets an error page, never a redirect', async () => {
    const res = await get(
      authorizeUrl(s.base, {
        clientId,
        redirectUri: 'https://evil.example/cb',
        challenge: pkce().challenge,
        method: 'S256',
        resource: s.resource,
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('the userinfo open-redirect form at /authorize gets an error page', async () => {
    const res = await get(
      authorizeUrl(s.base, {
        clientId,
        redirectUri: 'http://127.0.0.1:53682@evil.example/callback',
        challenge: pkce().challenge,
        method: 'S256',
        resource: s.resource,
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('an unknown client_id gets an error page, never a redirect', async () => {
    const res = await get(authorizeUrl(s.base, { clientId: 'mcpb_nope', challenge: pkce().challenge, method: 'S256' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('a loopback redirect URI on another port is accepted (RFC 8252)', async () => {
    const { challenge } = pkce();
    const q = await authorizeCode(s, clientId, challenge, { redirectUri: 'http://127.0.0.1:40001/callback' });
    expect(q.get('code')).toBeTruthy();
  });

  const errorOf = async (params: Parameters<typeof authorizeUrl>[1]) => {
    const res = await get(authorizeUrl(s.base, params));
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location') as string);
    expect(loc.href.startsWith(CLIENT_REDIRECT)).toBe(true);
    expect(loc.searchParams.get('state')).toBe('client-state-123');
    expect(loc.searchParams.get('iss')).toBe(s.base);
    return loc.searchParams.get('error');
  };

  it('missing PKCE is refused', async () => expect(await errorOf({ clientId, resource: s.resource })).toBe('invalid_request'));
  it('PKCE method plain is refused', async () =>
    expect(await errorOf({ clientId, challenge: pkce().challenge, method: 'plain', resource: s.resource })).toBe('invalid_request'));
  it('a challenge without a method (which means plain) is refused', async () =>
    expect(await errorOf({ clientId, challenge: pkce().challenge, resource: s.resource })).toBe('invalid_request'));
  it('a response_type other than code is refused', async () =>
    expect(
      await errorOf({ clientId, challenge: pkce().challenge, method: 'S256', resource: s.resource, extra: { response_type: 'token' } }),
    ).toBe('unsupported_response_type'));
  it('a token for another resource is refused with invalid_target', async () => {
    expect(await errorOf({ clientId, challenge: pkce().challenge, method: 'S256', resource: 'https://other.example/mcp' })).toBe(
      'invalid_target',
    );
  });
  it("ChatGPT's extra ?kb_name= query on the resource is ignored", async () => {
    const q = await authorizeCode(s, clientId, pkce().challenge, { resource: `${s.resource}?kb_name=x` });
    expect(q.get('code')).toBeTruthy();
  });

  it('a tampered upstream state at the callback is refused (no code issued)', async () => {
    const { challenge } = pkce();
    const browser = new Browser({ consent: 'approve' });
    const r = await browser.run(
      authorizeUrl(s.base, { clientId, challenge, method: 'S256', resource: s.resource }),
      `${s.base}/auth/callback`,
    );
    if (!('url' in r)) throw new Error('expected to reach the callback');
    const tampered = new URL(r.url);
    tampered.searchParams.set('state', `${tampered.searchParams.get('state') as string}x`);
    const res = await browser.fetch(tampered.href);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    // The real state still works once, then never again.
    const ok = await browser.fetch(r.url.href);
    expect(ok.status).toBe(302);
    expect(new URL(ok.headers.get('location') as string).searchParams.get('code')).toBeTruthy();
    const replay = await browser.fetch(r.url.href);
    expect(replay.status).toBe(400);
  });

  it('a callback from a browser without the binding cookie is refused with 403', async () => {
    const { challenge } = pkce();
    const victim = new Browser({ consent: 'approve' });
    const r = await victim.run(
      authorizeUrl(s.base, { clientId, challenge, method: 'S256', resource: s.resource }),
      `${s.base}/auth/callback`,
    );
    if (!('url' in r)) throw new Error('expected to reach the callback');
    const attacker = new Browser();
    const res = await attacker.fetch(r.url.href);
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
  });

  it('the client state is echoed exactly (our code cannot be attached to another flow state)', async () => {
    const { challenge, verifier } = pkce();
    const q = await authorizeCode(s, clientId, challenge, { state: 'st-"<>&' });
    expect(q.get('state')).toBe('st-"<>&');
    const t = await tokenRequest(s.base, {
      grant_type: 'authorization_code',
      code: q.get('code') as string,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: CLIENT_REDIRECT,
    });
    expect(t.status).toBe(200);
  });
});
