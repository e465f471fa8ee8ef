import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth } from '@modelcontextprotocol/client';
import { HeadlessOAuthProvider, connectWithOAuth } from '../helpers/oauth-client.js';
import { initializeBody, rawPost } from '../helpers/mcp.js';
import { startDocServer, type DocServer } from '../auth/proxy/cimd-server.js';
import { startStack, type Stack } from '../auth/proxy/harness.js';
import type { ProxyPrincipalExtra } from '../../src/auth/proxy/index.js';

/** The headless provider, identifying itself by a Client ID Metadata Document URL instead of registering. */
class CimdProvider extends HeadlessOAuthProvider {
  constructor(readonly clientMetadataUrl: string) {
    super();
  }
}

describe('OAuth proxy end to end: real upstream (no DCR, one confidential client) and the real MCP client', () => {
  let s: Stack;
  let docs: DocServer;
  beforeAll(async () => {
    s = await startStack();
    docs = await startDocServer({ tls: true });
  });
  afterAll(async () => {
    await s?.close();
    await docs?.close();
  });

  it('publishes authorization server metadata and protected-resource metadata pointing at the proxy', async () => {
    const as = (await (await fetch(`${s.base}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(as).toMatchObject({
      issuer: s.base,
      authorization_endpoint: `${s.base}/authorize`,
      token_endpoint: `${s.base}/token`,
      registration_endpoint: `${s.base}/register`,
      revocation_endpoint: `${s.base}/revoke`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
      token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    });
    expect(await (await fetch(`${s.base}/.well-known/openid-configuration`)).json()).toEqual(as);
    const prm = (await (await fetch(`${s.base}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<string, unknown>;
    expect(prm).toMatchObject({ resource: s.resource, authorization_servers: [s.base] });
  });

  it('DCR client: discovers, registers, authorizes with PKCE, calls tools, refreshes, is revoked (also upstream)', async () => {
    const provider = new HeadlessOAuthProvider();
    const client = await connectWithOAuth(`${s.base}/mcp`, provider);
    try {
      const clientId = provider.clientInformation()?.client_id as string;
      expect(clientId).toMatch(/^mcpb_/);
      expect(provider.lastCallback?.get('iss')).toBe(s.base);
      const { tools } = await client.listTools();
      // The upstream granted notes:read notes:write but not admin, so admin_reset is hidden.
      expect(tools.map((t) => t.name).sort()).toEqual(['notes_add', 'notes_list', 'whoami']);
      const who = await client.callTool({ name: 'whoami', arguments: {} });
      expect(who.structuredContent).toMatchObject({ subject: 'alice', clientId, kind: 'token', scopes: ['notes:read', 'notes:write'] });
      expect((await client.callTool({ name: 'notes_add', arguments: { text: 'through the proxy' } })).isError).toBeFalsy();
      const list = await client.callTool({ name: 'notes_list', arguments: {} });
      expect(JSON.stringify(list.structuredContent)).toContain('through the proxy');
    } finally {
      await client.close();
    }

    // The token the client holds is ours, not the upstream's.
    const first = provider.tokens();
    const ours = first?.access_token as string;
    const [, payload] = ours.split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: s.base, aud: s.resource, sub: 'alice', scope: 'notes:read notes:write' });
    expect((await s.idp.introspect(ours)).active).not.toBe(true);

    // 6: refresh through the SDK (rotation: a new refresh token every time).
    const result = await auth(provider, { serverUrl: new URL(`${s.base}/mcp`) });
    expect(result).toBe('AUTHORIZED');
    const second = provider.tokens();
    expect(second?.access_token).not.toBe(ours);
    expect(second?.refresh_token).not.toBe(first?.refresh_token);
    const again = await connectWithOAuth(`${s.base}/mcp`, provider);
    expect((await again.callTool({ name: 'whoami', arguments: {} })).structuredContent).toMatchObject({ subject: 'alice' });
    await again.close();

    // The grant's upstream token is live at the upstream before revocation.
    const ctx = await s.proxy.context();
    const grants = await ctx.store.list('oauthproxy.grants');
    expect(grants.length).toBeGreaterThan(0);
    const gid = (
      JSON.parse(Buffer.from((second?.access_token as string).split('.')[1] as string, 'base64url').toString()) as { gid: string }
    ).gid;
    const grant = (await ctx.store.get('oauthproxy.grants', gid)) as { upstream: { accessToken: string; refreshToken: string } };
    expect((await s.idp.introspect(grant.upstream.accessToken)).active).toBe(true);

    // 7: revocation (RFC 7009) with our refresh token.
    const rev = await fetch(`${s.base}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: second?.refresh_token as string,
        token_type_hint: 'refresh_token',
        client_id: provider.clientInformation()?.client_id as string,
      }).toString(),
    });
    expect(rev.status).toBe(200);
    const after = await rawPost(s.base, initializeBody(), { authorization: `Bearer ${second?.access_token as string}` });
    expect(after.status).toBe(401);
    // The UPSTREAM tokens were revoked at the upstream.
    expect((await s.idp.introspect(grant.upstream.accessToken)).active).toBe(false);
    expect((await s.idp.introspect(grant.upstream.refreshToken)).active).toBe(false);
  });

  it('the 2026-07-28 protocol client (RFC 9207 iss checked by the SDK) completes the flow too', async () => {
    const provider = new HeadlessOAuthProvider();
    const client = await connectWithOAuth(`${s.base}/mcp`, provider, { pin: '2026-07-28' });
    try {
      expect(provider.lastCallback?.get('iss')).toBe(s.base);
      expect((await client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toMatchObject({ subject: 'alice' });
    } finally {
      await client.close();
    }
  });

  it('CIMD client: an https client_id URL instead of registration, then tools work', async () => {
    const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    // The document server's certificate is self-signed for this test only.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const url = `${docs.origin}/clients/headless.json`;
      docs.serve(
        '/clients/headless.json',
        {
          client_id: url,
          client_name: 'CIMD headless',
          redirect_uris: ['http://127.0.0.1:53682/callback'],
          token_endpoint_auth_method: 'none',
        },
        { 'cache-control': 'max-age=120' },
      );
      const provider = new CimdProvider(url);
      const client = await connectWithOAuth(`${s.base}/mcp`, provider);
      try {
        expect(provider.clientInformation()?.client_id).toBe(url);
        const who = await client.callTool({ name: 'whoami', arguments: {} });
        expect(who.structuredContent).toMatchObject({ subject: 'alice', clientId: url });
      } finally {
        await client.close();
      }
      // Cached in the store: fetched once for authorize and token.
      expect(docs.hits.get('/clients/headless.json')).toBe(1);
    } finally {
      if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
    }
  });

  it('tools reach the upstream token through ctx.auth.extra.upstream, never through the client', async () => {
    const provider = new HeadlessOAuthProvider();
    const client = await connectWithOAuth(`${s.base}/mcp`, provider);
    await client.close();
    const ctx = await s.proxy.context();
    const principal = await ctx.accessVerifier.verify(provider.tokens()?.access_token as string);
    expect(principal.claims.gid).toBeTruthy();
    const res = await rawPost(s.base, initializeBody(), { authorization: `Bearer ${provider.tokens()?.access_token as string}` });
    expect(res.status).toBe(200);
    // Through the authenticator the server uses for /mcp:
    const { OAuthProxy } = await import('../../src/auth/proxy/index.js');
    expect(s.proxy).toBeInstanceOf(OAuthProxy);
    const outcome = await bound(s).authenticate(
      new Request(`${s.base}/mcp`, { headers: { authorization: `Bearer ${provider.tokens()?.access_token as string}` } }),
    );
    expect(outcome.ok).toBe(true);
    if (outcome.ok) {
      const extra = outcome.principal.extra as unknown as ProxyPrincipalExtra;
      expect(extra.upstream.accessToken).toBeTruthy();
      expect(extra.upstream.accessToken).not.toBe(provider.tokens()?.access_token);
      expect((await s.idp.introspect(extra.upstream.accessToken)).active).toBe(true);
    }
  });
});

function bound(s: Stack) {
  return s.proxy.bind({
    logger: s.server.server.logger,
    resourceUrl: new URL(s.resource),
    knownScopes: ['admin', 'notes:read', 'notes:write'],
  });
}
