import { describe, expect, it } from 'vitest';
import { GitHubProvider, OAuthProxy, createProxyStore, type OAuthProxyOptions } from '../../../src/auth/proxy/index.js';
import { ConfigError } from '../../../src/errors.js';
import { assertStoreSecurity } from '../../../src/auth/proxy/store.js';
import type { TokenVerifier } from '../../../src/auth/principal.js';
import { createStore } from '../../../src/storage/index.js';

const upstreamVerifier: TokenVerifier = { checksAudience: false, requiredScopes: [], verify: () => Promise.reject(new Error('unused')) };

async function base(over: Partial<OAuthProxyOptions> = {}): Promise<OAuthProxyOptions> {
  return {
    upstreamAuthorizationEndpoint: 'https://idp.example/authorize',
    upstreamTokenEndpoint: 'https://idp.example/token',
    upstreamClientId: 'id',
    upstreamClientSecret: 'secret',
    tokenVerifier: upstreamVerifier,
    baseUrl: 'https://mcp.example',
    storage: await createProxyStore({ type: 'memory' }),
    ...over,
  };
}

describe('options are validated with errors naming the option', () => {
  it.each([
    [{ baseUrl: 'http://mcp.example' }, /baseUrl/],
    [{ baseUrl: 'http://example.com' }, /^baseUrl: must use https/],
    [{ baseUrl: 'http://127.0.0.1.nip.io:3000' }, /^baseUrl: must use https/],
    [{ baseUrl: 'http://10.0.0.1:3000' }, /^baseUrl: must use https/],
    [{ baseUrl: 'http://localhost.evil.example:3000' }, /^baseUrl: must use https/],
    [
      { baseUrl: 'http://127.0.0.1:3000', upstreamTokenEndpoint: 'http://127.0.0.1:4000/token' },
      /upstreamTokenEndpoint.*allowInsecureLoopback/,
    ],
    [{ baseUrl: 'https://mcp.example/?x=1' }, /baseUrl.*query/],
    [{ upstreamTokenEndpoint: 'http://idp.example/token' }, /upstreamTokenEndpoint/],
    [{ upstreamAuthorizationEndpoint: 'not a url' }, /upstreamAuthorizationEndpoint/],
    [{ upstreamClientId: '' }, /upstreamClientId/],
    [{ upstreamClientSecret: ' ' }, /upstreamClientSecret/],
    [{ consent: 'sometimes' as unknown as false }, /consent/],
    [{ redirectPath: 'callback' }, /redirectPath/],
    [{ redirectPath: '/a/../b' }, /redirectPath/],
    [{ allowedClientRedirectUris: ['http://localhost:*@evil'] }, /allowedClientRedirectUris\[0\]/],
    [{ accessTokenTtlSeconds: 5 }, /accessTokenTtlSeconds/],
    [{ refreshGraceSeconds: 600 }, /refreshGraceSeconds/],
    [{ tokenEndpointAuthMethod: 'private_key_jwt' as unknown as 'client_secret_post' }, /tokenEndpointAuthMethod/],
    [{ validScopes: ['a b'] }, /validScopes/],
    [{ signingKey: { kty: 'oct', k: 'abc' } }, /signingKey/],
    [{ signingKey: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' } }, /signingKey.*with d/],
  ])('%j', async (over, re) => {
    const o = await base(over as Partial<OAuthProxyOptions>);
    expect(() => new OAuthProxy(o)).toThrow(re);
    await o.storage.close();
  });

  it.each(['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000'])(
    'accepts the development base URL %s without the test switch; upstreams stay https-only and cookies are not Secure',
    async (baseUrl) => {
      const o = await base({ baseUrl });
      const proxy = new OAuthProxy(o);
      expect(proxy.options.callbackUrl).toBe(`${baseUrl}/auth/callback`);
      expect(proxy.options.allowInsecureLoopback).toBe(false);
      expect(proxy.options.cookies).toMatchObject({ secure: false, prefix: 'mcpb-' });
      expect(() => new OAuthProxy({ ...o, upstreamTokenEndpoint: 'http://127.0.0.1:4000/token' })).toThrow(/allowInsecureLoopback/);
      await o.storage.close();
    },
  );

  it('an https base URL keeps Secure __Host- cookies', async () => {
    const o = await base();
    expect(new OAuthProxy(o).options.cookies).toMatchObject({ secure: true, prefix: '__Host-mcpb-' });
    await o.storage.close();
  });

  it.each(['http://example.com', 'http://127.0.0.1.nip.io:3000', 'http://10.0.0.1:3000', 'http://[fd00::1]:3000'])(
    'GitHubProvider refuses the plain-http base URL %s with a ConfigError naming baseUrl',
    async (baseUrl) => {
      const storage = await createProxyStore({ type: 'memory' });
      const err = (() => {
        try {
          new GitHubProvider({ clientId: 'id', clientSecret: 'secret', baseUrl, storage });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).option).toBe('baseUrl');
      expect(new GitHubProvider({ clientId: 'id', clientSecret: 'secret', baseUrl: 'http://localhost:3000', storage }).options.issuer).toBe(
        'http://localhost:3000',
      );
      await storage.close();
    },
  );

  it('accepts http loopback with the test switch and derives the callback URL', async () => {
    const o = await base({
      baseUrl: 'http://127.0.0.1:3000',
      upstreamTokenEndpoint: 'http://127.0.0.1:4000/token',
      allowInsecureLoopback: true,
    });
    expect(new OAuthProxy(o).options.callbackUrl).toBe('http://127.0.0.1:3000/auth/callback');
    await o.storage.close();
  });

  it('a configured signing key is used and published to no one but our verifier', async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'pinned-key' };
    const o = await base({ signingKey: jwk });
    const proxy = new OAuthProxy(o);
    const { createLogger } = await import('../../../src/log.js');
    proxy.bind({ logger: createLogger({ level: 'silent' }), resourceUrl: new URL('https://mcp.example/mcp'), knownScopes: [] });
    const ctx = await proxy.context();
    expect(ctx.keys.kid).toBe('pinned-key');
    expect(ctx.keys.publicJwk.d).toBeUndefined();
    await o.storage.close();
  });

  it('a store opened without the proxy security options is refused (secrets would be stored in the clear)', async () => {
    const plain = await createStore({ type: 'memory' });
    await expect(assertStoreSecurity(plain)).rejects.toThrow(/storage: .*secret-keyed/);
    await plain.close();
    const hashedOnly = await createStore({
      type: 'memory',
      secretKeyCollections: [
        'oauthproxy.tx',
        'oauthproxy.pending',
        'oauthproxy.csrf',
        'oauthproxy.codes',
        'oauthproxy.usedcodes',
        'oauthproxy.refresh',
        'oauthproxy.rotations',
        'oauthproxy.consents',
        'oauthproxy.validated',
      ],
    });
    await expect(assertStoreSecurity(hashedOnly)).rejects.toThrow(/storage: .*must be encrypted/);
    await hashedOnly.close();
    const good = await createProxyStore({ type: 'memory' });
    await expect(assertStoreSecurity(good)).resolves.toBeUndefined();
    await good.close();
  });
});

describe('consent: false needs a redirect policy', () => {
  it('refuses consent: false without allowedClientRedirectUris (a confused deputy for every self-registered client)', async () => {
    const { resolveProxyOptions } = await import('../../../src/auth/proxy/options.js');
    const { createProxyStore } = await import('../../../src/auth/proxy/store.js');
    const storage = await createProxyStore({ type: 'memory' });
    const base = {
      upstreamAuthorizationEndpoint: 'https://idp.example/authorize',
      upstreamTokenEndpoint: 'https://idp.example/token',
      upstreamClientId: 'c',
      upstreamClientSecret: 's',
      tokenVerifier: {
        verify: async () => {
          throw new Error('unused');
        },
        checksAudience: true,
        requiredScopes: [],
      },
      baseUrl: 'https://mcp.example',
      storage,
    };
    expect(() => resolveProxyOptions({ ...base, consent: false })).toThrow(/consent.*allowedClientRedirectUris/s);
    expect(() =>
      resolveProxyOptions({ ...base, consent: false, allowedClientRedirectUris: ['https://claude.ai/api/mcp/auth_callback'] }),
    ).not.toThrow();
    await storage.close();
  });
});
