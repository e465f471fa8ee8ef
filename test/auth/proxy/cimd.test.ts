import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cimdCacheSeconds, loadCimdClient, validateCimdDocument, validateCimdUrl } from '../../../src/auth/proxy/cimd.js';
import { findClient } from '../../../src/auth/proxy/clients.js';
import type { ProxyContext } from '../../../src/auth/proxy/context.js';
import { OAuthError } from '../../../src/auth/proxy/errors.js';
import { createProxyStore } from '../../../src/auth/proxy/store.js';
import { createLogger } from '../../../src/log.js';
import type { SecureStore } from '../../../src/storage/index.js';
import { startDocServer, type DocServer } from './cimd-server.js';
import { initializeBody, rawPost } from '../../helpers/mcp.js';
import { authorizeCode, authorizeUrl, pkce, startStack, tokenRequest, type Stack } from './harness.js';

function fakeCtx(store: SecureStore, allowInsecureLoopback: boolean): ProxyContext {
  return { store, logger: createLogger({ level: 'silent' }), opts: { allowInsecureLoopback, clientTtl: 3600 } } as unknown as ProxyContext;
}

const code = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof OAuthError ? `${err.code}: ${err.message}` : String(err);
  }
};

describe('CIMD: SSRF and document validation', () => {
  let store: SecureStore;
  let docs: DocServer;
  beforeAll(async () => {
    store = await createProxyStore({ type: 'memory' });
    docs = await startDocServer();
  });
  afterAll(async () => {
    await store.close();
    await docs.close();
  });

  it('a client_id pointing at https://127.0.0.1 is refused without the test switch', async () => {
    expect(await code(loadCimdClient(fakeCtx(store, false), 'https://127.0.0.1:1/client.json'))).toMatch(
      /invalid_client: .*forbidden address/,
    );
  });

  it('a client_id pointing at the cloud metadata address 169.254.169.254 is refused, even with the test switch', async () => {
    expect(await code(loadCimdClient(fakeCtx(store, false), 'https://169.254.169.254/latest/meta-data/client.json'))).toMatch(
      /forbidden address/,
    );
    expect(await code(loadCimdClient(fakeCtx(store, true), 'https://169.254.169.254/latest/meta-data/client.json'))).toMatch(
      /forbidden address/,
    );
  });

  it.each([['https://10.0.0.1/c.json'], ['https://[::1]/c.json'], ['https://192.168.1.1/c.json'], ['https://[fd00::1]/c.json']])(
    'a private address %s is refused',
    async (url) => {
      expect(await code(loadCimdClient(fakeCtx(store, false), url))).toMatch(/forbidden address/);
    },
  );

  it('an http client_id is not treated as a metadata document without the test switch', async () => {
    const url = docs.serve('/plain.json', { client_id: `${docs.origin}/plain.json`, redirect_uris: ['http://127.0.0.1/cb'] });
    expect(await code(findClient(fakeCtx(store, false), url))).toMatch(/unknown client/);
    expect(docs.hits.get('/plain.json')).toBeUndefined();
  });

  it.each([
    ['http://example.com/client.json'],
    ['http://127.0.0.1.nip.io/client.json'],
    ['http://10.0.0.1/client.json'],
    ['http://localhost.evil.example/client.json'],
    ['http://[fd00::1]/client.json'],
  ])('a plain-http client_id on the non-loopback host %s is refused even with the test switch, before any fetch', async (url) => {
    // Refused by the URL rule itself (not by a failed fetch): with the switch on, only loopback hosts may use http.
    expect(await code(loadCimdClient(fakeCtx(store, true), url))).toBe('invalid_client: a URL client_id must use https');
    expect(() => validateCimdUrl(url, true)).toThrow(/must use https/);
  });

  it('with the test switch, plain http is accepted for loopback hosts only (127.0.0.1, [::1], localhost)', () => {
    for (const url of ['http://127.0.0.1:8/c.json', 'http://[::1]:8/c.json', 'http://localhost:8/c.json'])
      expect(validateCimdUrl(url, true).href).toBe(url);
    for (const url of ['http://127.0.0.1:8/c.json', 'http://localhost:8/c.json'])
      expect(() => validateCimdUrl(url, false)).toThrow(/must use https/);
  });

  it('a document whose client_id differs from its URL is refused', async () => {
    const url = docs.serve('/liar.json', { client_id: 'https://trusted.example/client.json', redirect_uris: ['http://127.0.0.1/cb'] });
    expect(await code(loadCimdClient(fakeCtx(store, true), url))).toMatch(/different client_id/);
  });

  it('a document asking for a shared-secret auth method is refused', async () => {
    const url = docs.serve('/secret.json', {
      client_id: `${docs.origin}/secret.json`,
      redirect_uris: ['http://127.0.0.1/cb'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(await code(loadCimdClient(fakeCtx(store, true), url))).toMatch(/must be none/);
  });

  it('a document without redirect_uris, or with an unsafe one, is refused', async () => {
    const a = docs.serve('/noredirect.json', { client_id: `${docs.origin}/noredirect.json` });
    expect(await code(loadCimdClient(fakeCtx(store, true), a))).toMatch(/redirect_uris/);
    const b = docs.serve('/js.json', { client_id: `${docs.origin}/js.json`, redirect_uris: ['javascript:alert(1)'] });
    expect(await code(loadCimdClient(fakeCtx(store, true), b))).toMatch(/unsafe redirect/);
  });

  it('a document larger than 5 KB is refused', async () => {
    const url = docs.serve('/big.json', {
      client_id: `${docs.origin}/big.json`,
      redirect_uris: ['http://127.0.0.1/cb'],
      client_name: 'x'.repeat(6000),
    });
    expect(await code(loadCimdClient(fakeCtx(store, true), url))).toMatch(/could not be retrieved/);
  });

  it('a valid document is cached in the store for its max-age; no-store is fetched every time', async () => {
    const url = docs.serve(
      '/good.json',
      { client_id: `${docs.origin}/good.json`, client_name: 'Good', redirect_uris: ['http://127.0.0.1/cb'] },
      { 'cache-control': 'max-age=300' },
    );
    const ctx = fakeCtx(store, true);
    expect((await loadCimdClient(ctx, url)).client_name).toBe('Good');
    await loadCimdClient(ctx, url);
    expect(docs.hits.get('/good.json')).toBe(1);
    const nocache = docs.serve(
      '/nocache.json',
      { client_id: `${docs.origin}/nocache.json`, redirect_uris: ['http://127.0.0.1/cb'] },
      { 'cache-control': 'no-store' },
    );
    await loadCimdClient(ctx, nocache);
    await loadCimdClient(ctx, nocache);
    expect(docs.hits.get('/nocache.json')).toBe(2);
  });

  it('a failing document URL is not fetched again for a minute (no request amplification)', async () => {
    const url = `${docs.origin}/missing.json`;
    const ctx = fakeCtx(store, true);
    expect(await code(loadCimdClient(ctx, url))).toMatch(/could not be retrieved/);
    expect(await code(loadCimdClient(ctx, url))).toMatch(/could not be retrieved/);
    expect(docs.hits.get('/missing.json')).toBe(1);
  });

  it('cache lifetimes are bounded', () => {
    expect(cimdCacheSeconds('max-age=5')).toBe(60);
    expect(cimdCacheSeconds('max-age=99999999')).toBe(86_400);
    expect(cimdCacheSeconds(undefined)).toBe(3600);
    expect(cimdCacheSeconds('no-store, max-age=60')).toBeUndefined();
  });

  it.each([
    ['https://app.example/', /must have a path/],
    ['https://user@app.example/c.json', /userinfo/],
    ['https://app.example/c.json#x', /fragment/],
    ['https://app.example/a/../c.json', /dot segments|normalised/],
    ['https://APP.example/c.json', /normalised/],
  ])('client_id URL %s is refused', (url, re) => {
    expect(() => validateCimdUrl(url, false)).toThrow(re);
  });

  it('a client_secret inside a document is refused even with method none', () => {
    expect(() =>
      validateCimdDocument(
        { client_id: 'https://a.example/c', redirect_uris: ['https://a.example/cb'], client_secret: 'x' },
        'https://a.example/c',
      ),
    ).toThrow(/must be none/);
  });
});

describe('CIMD clients at /authorize', () => {
  let s: Stack;
  let docs: DocServer;
  beforeAll(async () => {
    s = await startStack();
    docs = await startDocServer();
  });
  afterAll(async () => {
    await s?.close();
    await docs?.close();
  });

  it('a redirect URI the document does not list is refused with an error page', async () => {
    const url = docs.serve('/c.json', { client_id: `${docs.origin}/c.json`, redirect_uris: ['http://127.0.0.1:53682/callback'] });
    const res = await fetch(
      authorizeUrl(s.base, {
        clientId: url,
        redirectUri: 'https://evil.example/cb',
        challenge: pkce().challenge,
        method: 'S256',
        resource: s.resource,
      }),
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('an http loopback document (test switch) works for the whole flow: authorize, token, refresh, tools', async () => {
    const url = docs.serve('/flow.json', {
      client_id: `${docs.origin}/flow.json`,
      client_name: 'Loopback CIMD',
      redirect_uris: ['http://127.0.0.1:53682/callback'],
    });
    const { verifier, challenge } = pkce();
    const q = await authorizeCode(s, url, challenge);
    const t = await tokenRequest(s.base, {
      grant_type: 'authorization_code',
      code: q.get('code') as string,
      code_verifier: verifier,
      client_id: url,
      redirect_uri: 'http://127.0.0.1:53682/callback',
    });
    expect(t.status).toBe(200);
    expect((await rawPost(s.base, initializeBody(), { authorization: `Bearer ${String(t.body.access_token)}` })).status).toBe(200);
    const r = await tokenRequest(s.base, { grant_type: 'refresh_token', refresh_token: t.body.refresh_token as string, client_id: url });
    expect(r.status).toBe(200);
    // A CIMD client cannot authenticate with a secret.
    expect(
      (
        await tokenRequest(s.base, {
          grant_type: 'refresh_token',
          refresh_token: r.body.refresh_token as string,
          client_id: url,
          client_secret: 'x',
        })
      ).status,
    ).toBe(401);
  });

  it('a plain-http document on a name that is not loopback is refused at /authorize and never fetched', async () => {
    // 127.0.0.1.nip.io is a public name that resolves to 127.0.0.1: a look-alike, not loopback.
    const port = new URL(docs.origin).port;
    const doc = docs.serve('/nip.json', { client_id: 'x', redirect_uris: ['http://127.0.0.1:53682/callback'] });
    const url = doc.replace(docs.origin, `http://127.0.0.1.nip.io:${port}`);
    const res = await fetch(authorizeUrl(s.base, { clientId: url, challenge: pkce().challenge, method: 'S256', resource: s.resource }), {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toMatch(/must use https/);
    expect(docs.hits.get('/nip.json')).toBeUndefined();
  });

  it('a document whose client_id differs from its URL gets an error page', async () => {
    const url = docs.serve('/d.json', { client_id: 'https://trusted.example/d.json', redirect_uris: ['http://127.0.0.1:53682/callback'] });
    const res = await fetch(authorizeUrl(s.base, { clientId: url, challenge: pkce().challenge, method: 'S256', resource: s.resource }), {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/different client_id/);
  });
});
