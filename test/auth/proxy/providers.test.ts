import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AzureProvider,
  GitHubProvider,
  GoogleProvider,
  OidcProxy,
  azureScopes,
  createProxyStore,
  gitHubTokenVerifier,
  parseGitHubScopes,
  proxyFromEnv,
  type ProxyPrincipalExtra,
} from '../../../src/auth/proxy/index.js';
import { AuthError } from '../../../src/auth/principal.js';
import { IntrospectionVerifier } from '../../../src/auth/verifiers/introspection.js';
import type { SecureStore } from '../../../src/storage/index.js';
import { freePort, initializeBody, rawPost } from '../../helpers/mcp.js';
import { TEST_REDIRECT_POLICY, fullFlow, startStack } from './harness.js';

/** A local stand-in for github.com and api.github.com: authorize, token (client_secret_post + PKCE) and /user. */
async function startFakeGitHub(
  clientId: string,
  clientSecret: string,
): Promise<{ origin: string; tokenCalls: URLSearchParams[]; userCalls: () => number; close(): Promise<void> }> {
  const codes = new Map<string, { challenge: string | null; redirect: string }>();
  const tokens = new Set<string>();
  const tokenCalls: URLSearchParams[] = [];
  let userCalls = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/login/oauth/authorize') {
      const code = `gh-code-${codes.size}`;
      codes.set(code, { challenge: url.searchParams.get('code_challenge'), redirect: url.searchParams.get('redirect_uri') as string });
      const back = new URL(url.searchParams.get('redirect_uri') as string);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') as string);
      res.writeHead(302, { location: back.href });
      res.end();
      return;
    }
    if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        tokenCalls.push(form);
        const entry = codes.get(form.get('code') ?? '');
        const pkceOk =
          entry?.challenge ===
          createHash('sha256')
            .update(form.get('code_verifier') ?? '')
            .digest('base64url');
        res.writeHead(200, { 'content-type': 'application/json' });
        if (!entry || !pkceOk || form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
          res.end(JSON.stringify({ error: 'bad_verification_code' }));
          return;
        }
        const token = `gho_${tokens.size}abcdef`;
        tokens.add(token);
        res.end(JSON.stringify({ access_token: token, token_type: 'bearer', scope: 'read:user' }));
      });
      return;
    }
    if (url.pathname === '/user') {
      userCalls++;
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!tokens.has(token)) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"message":"Bad credentials"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-oauth-scopes': 'read:user, repo' });
      res.end(JSON.stringify({ id: 4242, login: 'octocat', name: 'Mona' }));
      return;
    }
    res.writeHead(500);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokenCalls,
    userCalls: () => userCalls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('GitHubProvider', () => {
  let gh: Awaited<ReturnType<typeof startFakeGitHub>>;
  beforeAll(async () => {
    gh = await startFakeGitHub('gh-client', 'gh-secret');
  });
  afterAll(async () => gh?.close());

  it('X-OAuth-Scopes is parsed into a list', () => {
    expect(parseGitHubScopes('repo, read:user,  gist')).toEqual(['repo', 'read:user', 'gist']);
    expect(parseGitHubScopes(null)).toEqual([]);
  });

  it('the verifier maps /user to a principal, 401 to inactive and outages to unavailable', async () => {
    const v = gitHubTokenVerifier({ apiBaseUrl: gh.origin, allowInsecureLoopback: true });
    await expect(v.verify('gho_unknown')).rejects.toMatchObject({ reason: 'inactive', status: 401 });
    const down = gitHubTokenVerifier({ apiBaseUrl: 'http://127.0.0.1:1', allowInsecureLoopback: true });
    await expect(down.verify('x')).rejects.toMatchObject({ reason: 'verifier_unavailable', status: 503 });
    await expect(down.verify('x')).rejects.toBeInstanceOf(AuthError);
  });

  it('runs the whole flow: client_secret_post + PKCE upstream, subject = GitHub user id, upstream token on the principal', async () => {
    const s = await startStack({
      make: ({ baseUrl, storage }) =>
        new GitHubProvider({
          clientId: 'gh-client',
          clientSecret: 'gh-secret',
          baseUrl,
          storage,
          webBaseUrl: gh.origin,
          apiBaseUrl: gh.origin,
          allowInsecureLoopback: true,
          consent: false,
          allowedClientRedirectUris: TEST_REDIRECT_POLICY,
        }),
    });
    try {
      const { tokens } = await fullFlow(s);
      const claims = JSON.parse(Buffer.from(String(tokens.access_token).split('.')[1] as string, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      expect(claims.sub).toBe('4242');
      expect(gh.tokenCalls.at(-1)?.get('code_verifier')).toBeTruthy();
      const calls = gh.userCalls();
      expect((await rawPost(s.base, initializeBody(), { authorization: `Bearer ${String(tokens.access_token)}` })).status).toBe(200);
      expect((await rawPost(s.base, initializeBody(), { authorization: `Bearer ${String(tokens.access_token)}` })).status).toBe(200);
      // One API validation, then the positive answer is trusted for upstreamValidationCacheSeconds (30).
      expect(gh.userCalls() - calls).toBe(1);
      const ctx = await s.proxy.context();
      const auth = s.proxy.bind({ logger: ctx.logger, resourceUrl: ctx.resourceUrl, knownScopes: [] });
      const out = await auth.authenticate(
        new Request(`${s.base}/mcp`, { headers: { authorization: `Bearer ${String(tokens.access_token)}` } }),
      );
      expect(out.ok && (out.principal.extra as unknown as ProxyPrincipalExtra).upstream.accessToken).toMatch(/^gho_/);
      // Anyone can open a GitHub account: without grantScopes, signing in grants none of ours.
      expect(claims.scope ?? '').toBe('');
    } finally {
      await s.close();
    }
  });

  it('grants GitHub sign-ins only the scopes the operator allows every account (grantScopes), never admin by asking', async () => {
    const s = await startStack({
      make: ({ baseUrl, storage }) =>
        new GitHubProvider({
          clientId: 'gh-client',
          clientSecret: 'gh-secret',
          baseUrl,
          storage,
          webBaseUrl: gh.origin,
          apiBaseUrl: gh.origin,
          allowInsecureLoopback: true,
          consent: false,
          allowedClientRedirectUris: TEST_REDIRECT_POLICY,
          grantScopes: ['notes:read'],
        }),
    });
    try {
      const { tokens } = await fullFlow(s, { scope: 'notes:read notes:write admin' });
      const claims = JSON.parse(Buffer.from(String(tokens.access_token).split('.')[1] as string, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      expect(claims.scope).toBe('notes:read');
    } finally {
      await s.close();
    }
  });
});

describe('OidcProxy and GoogleProvider against a real OIDC provider (discovery, ID token, iss)', () => {
  it('OidcProxy discovers endpoints and completes the flow with an ES256 ID token', async () => {
    const s = await startStack({
      make: ({ baseUrl, storage, idp }) =>
        new OidcProxy({
          configUrl: idp.issuer,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          baseUrl,
          storage,
          allowInsecureLoopback: true,
          consent: false,
          allowedClientRedirectUris: TEST_REDIRECT_POLICY,
          upstreamScopes: ['openid', 'offline_access'],
          upstreamClientMetadata: { id_token_signed_response_alg: 'ES256' },
          tokenVerifier: new IntrospectionVerifier({
            introspectionUrl: idp.introspectionUrl,
            clientId: idp.clientId,
            clientSecret: idp.clientSecret,
            allowInsecureLoopback: true,
          }),
        }),
    });
    try {
      const { tokens } = await fullFlow(s);
      expect((await rawPost(s.base, initializeBody(), { authorization: `Bearer ${String(tokens.access_token)}` })).status).toBe(200);
      expect((await s.proxy.context()).upstream.hasRevocation).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('GoogleProvider (pointed at a local issuer) validates opaque tokens via userinfo', async () => {
    const s = await startStack({
      make: ({ baseUrl, storage, idp }) =>
        new GoogleProvider({
          issuer: idp.issuer,
          userinfoUrl: `${idp.issuer}/me`,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          baseUrl,
          storage,
          allowInsecureLoopback: true,
          consent: false,
          allowedClientRedirectUris: TEST_REDIRECT_POLICY,
          googleScopes: ['openid', 'offline_access'],
          upstreamClientMetadata: { id_token_signed_response_alg: 'ES256' },
        }),
    });
    try {
      const { tokens } = await fullFlow(s);
      const claims = JSON.parse(Buffer.from(String(tokens.access_token).split('.')[1] as string, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      expect(claims.sub).toBe('alice');
      expect((await rawPost(s.base, initializeBody(), { authorization: `Bearer ${String(tokens.access_token)}` })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('AzureProvider', () => {
  it('prefixes custom scopes with the identifier URI, leaves OIDC and resource scopes alone', () => {
    expect(
      azureScopes('api://abc', ['notes:read', 'openid', 'offline_access', 'User.Read', 'https://graph.microsoft.com/.default']),
    ).toEqual(['api://abc/notes:read', 'openid', 'offline_access', 'User.Read', 'https://graph.microsoft.com/.default']);
  });

  it('sends translated scopes to the tenant authorize endpoint', async () => {
    const port = await freePort();
    const storage = await createProxyStore({ type: 'memory' });
    const s = await startStack({
      port,
      store: storage,
      make: ({ baseUrl }) =>
        new AzureProvider({
          clientId: 'app-123',
          clientSecret: 'sec',
          tenantId: 'contoso.onmicrosoft.com',
          baseUrl,
          storage,
          allowInsecureLoopback: true,
          consent: false,
          allowedClientRedirectUris: TEST_REDIRECT_POLICY,
        }),
    });
    try {
      const { client_id } = (await (
        await fetch(`${s.base}/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:1/cb'] }),
        })
      ).json()) as { client_id: string };
      const u = new URL(`${s.base}/authorize`);
      for (const [k, v] of Object.entries({
        response_type: 'code',
        client_id,
        redirect_uri: 'http://127.0.0.1:1/cb',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
        scope: 'notes:read',
        resource: s.resource,
      }))
        u.searchParams.set(k, v);
      const res = await fetch(u, { redirect: 'manual' });
      const loc = new URL(res.headers.get('location') as string);
      expect(loc.origin + loc.pathname).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize');
      expect(loc.searchParams.get('scope')).toBe('api://app-123/notes:read offline_access');
      expect(loc.searchParams.get('client_id')).toBe('app-123');
    } finally {
      await s.close();
      await storage.close();
    }
  });

  it('refuses a malformed tenant', async () => {
    const storage = await createProxyStore({ type: 'memory' });
    expect(
      () => new AzureProvider({ clientId: 'a', clientSecret: 'b', tenantId: 'x/../y', baseUrl: 'https://mcp.example', storage }),
    ).toThrow(/tenantId/);
    await storage.close();
  });
});

describe('proxyFromEnv', () => {
  let storage: SecureStore;
  beforeAll(async () => {
    storage = await createProxyStore({ type: 'memory' });
  });
  afterAll(async () => storage?.close());
  const ctx = () => ({ baseUrl: 'https://mcp.example', storage });

  it('builds each provider from its variables', () => {
    expect(
      proxyFromEnv({ MCP_BASTION_AUTH: 'github', MCP_BASTION_GITHUB_CLIENT_ID: 'a', MCP_BASTION_GITHUB_CLIENT_SECRET: 'b' }, ctx()),
    ).toBeInstanceOf(GitHubProvider);
    expect(
      proxyFromEnv({ MCP_BASTION_AUTH: 'google', MCP_BASTION_GOOGLE_CLIENT_ID: 'a', MCP_BASTION_GOOGLE_CLIENT_SECRET: 'b' }, ctx()),
    ).toBeInstanceOf(GoogleProvider);
    expect(
      proxyFromEnv(
        {
          MCP_BASTION_AUTH: 'azure',
          MCP_BASTION_AZURE_CLIENT_ID: 'a',
          MCP_BASTION_AZURE_CLIENT_SECRET: 'b',
          MCP_BASTION_AZURE_TENANT_ID: 'organizations',
        },
        ctx(),
      ),
    ).toBeInstanceOf(AzureProvider);
    expect(
      proxyFromEnv(
        {
          MCP_BASTION_AUTH: 'oidc',
          MCP_BASTION_OIDC_CONFIG_URL: 'https://idp.example',
          MCP_BASTION_OIDC_CLIENT_ID: 'a',
          MCP_BASTION_OIDC_CLIENT_SECRET: 'b',
        },
        ctx(),
      ),
    ).toBeInstanceOf(OidcProxy);
  });

  it('accepts the old backend names GITHUB_CLIENT_ID / GOOGLE_CLIENT_ID and their secrets', () => {
    expect(proxyFromEnv({ MCP_BASTION_AUTH: 'github', GITHUB_CLIENT_ID: 'a', GITHUB_CLIENT_SECRET: 'b' }, ctx())).toBeInstanceOf(
      GitHubProvider,
    );
    expect(proxyFromEnv({ MCP_BASTION_AUTH: 'google', GOOGLE_CLIENT_ID: 'a', GOOGLE_CLIENT_SECRET: 'b' }, ctx())).toBeInstanceOf(
      GoogleProvider,
    );
  });

  it('errors name the missing variable; empty counts as unset', () => {
    expect(() => proxyFromEnv({ MCP_BASTION_AUTH: 'github', MCP_BASTION_GITHUB_CLIENT_ID: 'a' }, ctx())).toThrow(
      /MCP_BASTION_GITHUB_CLIENT_SECRET/,
    );
    expect(() =>
      proxyFromEnv(
        {
          MCP_BASTION_AUTH: 'azure',
          MCP_BASTION_AZURE_CLIENT_ID: 'a',
          MCP_BASTION_AZURE_CLIENT_SECRET: 'b',
          MCP_BASTION_AZURE_TENANT_ID: ' ',
        },
        ctx(),
      ),
    ).toThrow(/MCP_BASTION_AZURE_TENANT_ID/);
    expect(() =>
      proxyFromEnv({ MCP_BASTION_AUTH: 'oidc', MCP_BASTION_OIDC_CLIENT_ID: 'a', MCP_BASTION_OIDC_CLIENT_SECRET: 'b' }, ctx()),
    ).toThrow(/MCP_BASTION_OIDC_CONFIG_URL/);
    expect(() => proxyFromEnv({ MCP_BASTION_AUTH: 'google' }, ctx())).toThrow(/MCP_BASTION_GOOGLE_CLIENT_ID/);
  });

  it('returns undefined for other auth kinds', () => {
    expect(proxyFromEnv({ MCP_BASTION_AUTH: 'jwt' }, ctx())).toBeUndefined();
    expect(proxyFromEnv({}, ctx())).toBeUndefined();
  });
});
