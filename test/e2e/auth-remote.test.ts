import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtVerifier } from '../../src/auth/verifiers/jwt.js';
import { IntrospectionVerifier } from '../../src/auth/verifiers/introspection.js';
import { RemoteAuthProvider } from '../../src/auth/remote.js';
import { tokenAuth } from '../../src/auth/resource-server.js';
import { createDemoRouter, demoRules } from '../../src/demo/router.js';
import { startIdp, type TestIdp } from '../helpers/idp.js';
import { HeadlessOAuthProvider, connectWithOAuth } from '../helpers/oauth-client.js';
import { connectClient, freePort, initializeBody, rawPost, startServer, type Started } from '../helpers/mcp.js';
import { createMcpServer } from '../../src/server/create.js';

describe('Remote OAuth with a real identity provider and the real MCP client', () => {
  let idp: TestIdp;
  let s: Started;
  let resource: string;
  beforeAll(async () => {
    idp = await startIdp({ scopes: ['notes:read', 'notes:write', 'admin'], grantScopes: 'notes:read notes:write' });
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    const verifier = new JwtVerifier({ jwksUri: idp.jwksUri, issuer: idp.issuer, audience: resource, allowInsecureLoopback: true });
    s = await startServer({
      name: 'remote',
      version: '1',
      router: createDemoRouter(),
      rules: demoRules,
      auth: new RemoteAuthProvider({
        verifier,
        authorizationServers: [idp.issuer],
        allowInsecureLoopback: true,
        forwardAuthorizationServerMetadata: true,
      }),
      http: { port },
    });
  });
  afterAll(async () => {
    await s.close();
    await idp.close();
  });

  it('serves protected-resource metadata at the path-inserted and root URLs', async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const doc = await (await fetch(`${s.url}${path}`)).json();
      expect(doc).toMatchObject({
        resource,
        authorization_servers: [idp.issuer],
        scopes_supported: ['admin', 'notes:read', 'notes:write'],
      });
    }
    const as = await fetch(`${s.url}/.well-known/oauth-authorization-server`);
    expect((await as.json()).issuer).toBe(idp.issuer);
  });

  for (const version of ['legacy', { pin: '2026-07-28' }] as const) {
    it(`runs discovery → registration → PKCE authorization → token → tool call (${JSON.stringify(version)})`, async () => {
      const provider = new HeadlessOAuthProvider();
      const client = await connectWithOAuth(`${s.url}/mcp`, provider, version);
      try {
        expect(provider.clientInformation()?.client_id).toBeTruthy();
        expect(provider.lastCallback?.get('iss')).toBe(idp.issuer);
        const { tools } = await client.listTools();
        // Granted notes:read notes:write, not admin: admin_reset must not even be listed.
        expect(tools.map((t) => t.name).sort()).toEqual(['notes_add', 'notes_list', 'whoami']);
        const who = await client.callTool({ name: 'whoami', arguments: {} });
        expect(who.structuredContent).toMatchObject({ subject: 'alice', kind: 'token' });
        const add = await client.callTool({ name: 'notes_add', arguments: { text: 'via oauth' } });
        expect(add.isError).toBeFalsy();
        await expect(client.callTool({ name: 'admin_reset', arguments: {} })).rejects.toThrow(/Tool admin_reset not found/);
      } finally {
        await client.close();
      }
    });
  }
});

describe('Introspection against the IdP’s own endpoint, end to end', () => {
  let idp: TestIdp;
  let s: Started;
  let resource: string;
  const rs = { id: 'rs-introspector', secret: 'rs-introspector-secret-0123456789' };
  const app = { id: 'service-app', secret: 'service-app-secret-0123456789abc' };
  beforeAll(async () => {
    idp = await startIdp({
      scopes: ['notes:read', 'notes:write'],
      grantScopes: 'notes:read notes:write',
      // Opaque tokens: the only kind oidc-provider introspects.
      accessTokenFormat: 'opaque',
      clients: [
        {
          client_id: rs.id,
          client_secret: rs.secret,
          grant_types: [],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
        },
        {
          client_id: app.id,
          client_secret: app.secret,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'notes:read notes:write',
        },
      ],
    });
    const port = await freePort();
    resource = `http://127.0.0.1:${port}/mcp`;
    const verifier = new IntrospectionVerifier({
      introspectionUrl: idp.introspectionUrl,
      clientId: rs.id,
      clientSecret: rs.secret,
      audience: resource,
      allowInsecureLoopback: true,
    });
    s = await startServer({
      name: 'introspect',
      version: '1',
      router: createDemoRouter(),
      rules: demoRules,
      auth: tokenAuth(verifier),
      http: { port },
    });
  });
  afterAll(async () => {
    await s.close();
    await idp.close();
  });

  it('refuses to start an HTTP server whose verifier checks no audience', () => {
    const blind = new IntrospectionVerifier({
      introspectionUrl: idp.introspectionUrl,
      clientId: rs.id,
      clientSecret: rs.secret,
      allowInsecureLoopback: true,
    });
    expect(() => createMcpServer({ name: 'x', version: '1', router: createDemoRouter(), auth: blind, http: { port: 4999 } })).toThrow(
      /checks no audience.*allowAnyAudience/,
    );
    expect(() =>
      createMcpServer({
        name: 'x',
        version: '1',
        router: createDemoRouter(),
        auth: tokenAuth(blind, { allowAnyAudience: true }),
        http: { port: 4999 },
      }),
    ).not.toThrow();
  });

  it('accepts a token the IdP introspects as active for this resource, via the real MCP client', async () => {
    const token = await idp.clientCredentials(app.id, app.secret, resource, 'notes:read');
    const client = await connectClient(s.url, '2025-11-25', { authorization: `Bearer ${token}` });
    try {
      const who = await client.callTool({ name: 'whoami', arguments: {} });
      expect(who.structuredContent).toMatchObject({ clientId: app.id, scopes: ['notes:read'], kind: 'token' });
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['notes_list', 'whoami']);
    } finally {
      await client.close();
    }
  });

  it('rejects a token the same IdP issued for another resource', async () => {
    const token = await idp.clientCredentials(app.id, app.secret, 'https://other.example/mcp', 'notes:read');
    const res = await rawPost(s.url, initializeBody(), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });
});
