import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDocServer, type DocServer } from '../auth/proxy/cimd-server.js';
import { authorizeUrl, pkce, registerClient, startStack, type Stack } from '../auth/proxy/harness.js';

/**
 * Review finding: /authorize without `redirect_uri` used the client's only registered URI
 * without applying the operator's redirect policy. CIMD documents are attacker-published and
 * their URIs are checked against `allowedClientRedirectUris` only at /authorize, so omitting
 * the parameter delivered codes (and error redirects) to a URI the policy forbids.
 */
function withoutRedirect(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('redirect_uri');
  return u.href;
}

describe('review: /authorize without redirect_uri still applies the redirect policy', () => {
  let s: Stack;
  let docs: DocServer;
  beforeAll(async () => {
    s = await startStack({ proxy: { allowedClientRedirectUris: ['http://127.0.0.1:*/**', 'https://claude.ai/api/mcp/auth_callback'] } });
    docs = await startDocServer();
  });
  afterAll(async () => {
    await s?.close();
    await docs?.close();
  });

  it('a CIMD document whose only redirect URI the policy forbids gets an error page, not a redirect', async () => {
    const id = docs.serve('/evil.json', {
      client_id: `${docs.origin}/evil.json`,
      client_name: 'Evil',
      redirect_uris: ['https://attacker.example/steal'],
    });
    const res = await fetch(
      withoutRedirect(authorizeUrl(s.base, { clientId: id, challenge: pkce().challenge, method: 'S256', resource: s.resource })),
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('an error (bad PKCE) for such a client is not redirected to the forbidden URI either', async () => {
    const id = docs.serve('/evil2.json', { client_id: `${docs.origin}/evil2.json`, redirect_uris: ['https://attacker.example/steal'] });
    const res = await fetch(
      withoutRedirect(authorizeUrl(s.base, { clientId: id, challenge: 'short', method: 'plain', resource: s.resource })),
      { redirect: 'manual' },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('a client with one allowed URI still works without redirect_uri', async () => {
    const { client_id } = await registerClient(s.base);
    const res = await fetch(
      withoutRedirect(authorizeUrl(s.base, { clientId: client_id, challenge: pkce().challenge, method: 'S256', resource: s.resource })),
      { redirect: 'manual' },
    );
    expect(res.status).toBe(302);
  });
});
