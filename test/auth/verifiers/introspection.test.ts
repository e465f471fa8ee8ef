import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntrospectionVerifier, type IntrospectionVerifierOptions } from '../../../src/auth/verifiers/introspection.js';
import { expectAuthError, expectConfigError } from './helpers.js';
import { startOidcProvider, TOKEN_TTL_SECONDS, type OidcFixture } from './oidc-fixture.js';

let idp: OidcFixture;

beforeAll(async () => {
  idp = await startOidcProvider();
});
afterAll(async () => {
  await idp.close();
});

function verifier(extra: Partial<IntrospectionVerifierOptions> = {}): IntrospectionVerifier {
  return new IntrospectionVerifier({
    introspectionUrl: idp.introspectionUrl,
    clientId: idp.basicClient.id,
    clientSecret: idp.basicClient.secret,
    allowInsecureLoopback: true,
    ...extra,
  });
}

function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = Date.now();
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('IntrospectionVerifier against a real oidc-provider', () => {
  it('accepts an active client_credentials token with client_secret_basic (credentials form-encoded per RFC 6749)', async () => {
    const token = await idp.clientCredentialsToken({ scope: 'mcp:tools read' });
    const p = await verifier({ audience: idp.resource, issuer: idp.issuer }).verify(token);
    expect(p).toMatchObject({ kind: 'token', subject: 'app', clientId: 'app', scopes: ['mcp:tools', 'read'], resource: idp.resource });
    expect(p.audience).toContain(idp.resource);
    expect(p.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(JSON.stringify(p)).not.toContain(token);
  });

  it('accepts an active token with client_secret_post', async () => {
    const token = await idp.clientCredentialsToken();
    const v = verifier({ clientId: idp.postClient.id, clientSecret: idp.postClient.secret, clientAuthMethod: 'client_secret_post' });
    await expect(v.verify(token)).resolves.toMatchObject({ subject: 'app' });
  });

  it('a garbage or made-up token is inactive (401)', async () => {
    const v = verifier();
    for (const token of ['made-up-token-value-123', 'A'.repeat(43)]) await expectAuthError(v.verify(token), 'inactive', { token });
  });

  it('tokens with characters no bearer token has are refused before any HTTP call', async () => {
    const v = verifier();
    for (const token of ['', 'has space', 'line\nbreak', 'a'.repeat(20_000), 'tok"en', 'ü'])
      await expectAuthError(v.verify(token), 'malformed');
    expect(v.requestCount).toBe(0);
  });

  it('a revoked token is inactive', async () => {
    const token = await idp.clientCredentialsToken();
    const v = verifier();
    await v.verify(token);
    await idp.revoke(token);
    await expectAuthError(v.verify(token), 'inactive', { token });
  });

  it('a token issued for another resource server is refused when the audience is configured', async () => {
    const token = await idp.clientCredentialsToken({ resource: idp.otherResource });
    await expectAuthError(verifier({ audience: idp.resource }).verify(token), 'wrong_audience', { token });
  });

  it('a token from an issuer we do not trust is refused when the issuer is configured', async () => {
    const token = await idp.clientCredentialsToken();
    await expectAuthError(verifier({ issuer: 'https://other-idp.example' }).verify(token), 'wrong_issuer', { token });
  });

  it('a token lacking required scopes gets 403 insufficient_scope', async () => {
    const token = await idp.clientCredentialsToken({ scope: 'read' });
    const err = await expectAuthError(verifier({ requiredScopes: ['mcp:tools'] }).verify(token), 'insufficient_scope', {
      status: 403,
      token,
    });
    expect(err.requiredScopes).toEqual(['mcp:tools']);
  });

  it('wrong resource-server credentials give 503 verifier_unavailable, never a 401 that makes clients drop good tokens', async () => {
    const token = await idp.clientCredentialsToken();
    await expectAuthError(verifier({ clientSecret: 'wrong-secret' }).verify(token), 'verifier_unavailable', { status: 503, token });
  });

  it('an unreachable introspection endpoint gives 503', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const { port } = dead.address() as AddressInfo;
    await new Promise<void>((r) => dead.close(() => r()));
    const v = verifier({ introspectionUrl: `http://127.0.0.1:${port}/introspect` });
    await expectAuthError(v.verify('some-token-value'), 'verifier_unavailable', { status: 503 });
  });

  it('a slow introspection endpoint times out into 503', async () => {
    const slow = createServer(() => undefined); // never answers
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
    const { port } = slow.address() as AddressInfo;
    try {
      const v = verifier({ introspectionUrl: `http://127.0.0.1:${port}/introspect`, timeoutMs: 100 });
      await expectAuthError(v.verify('some-token-value'), 'verifier_unavailable', { status: 503 });
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });

  it('a 5xx or a non-RFC 7662 body from the endpoint gives 503, never "active"', async () => {
    const bodies: Array<[number, string]> = [
      [500, '{"active":true,"sub":"x"}'],
      [200, '{"active":"true","sub":"x"}'],
      [200, '[{"active":true}]'],
      [200, '<html>gateway</html>'],
    ];
    for (const [status, body] of bodies) {
      const v = new IntrospectionVerifier({
        introspectionUrl: 'https://as.example/introspect',
        clientId: 'rs',
        clientSecret: 'secret',
        fetch: () => Promise.resolve(new Response(body, { status })),
      });
      await expectAuthError(v.verify('some-token-value'), 'verifier_unavailable', { status: 503 });
    }
  });
});

describe('IntrospectionVerifier cache', () => {
  it('a cache hit avoids a second introspection call', async () => {
    const token = await idp.clientCredentialsToken();
    const v = verifier({ cache: { ttlSeconds: 30 } });
    const a = await v.verify(token);
    const b = await v.verify(token);
    expect(b).toBe(a);
    expect(v.requestCount).toBe(1);
  });

  it('without a cache every verification introspects (off by default)', async () => {
    const token = await idp.clientCredentialsToken();
    const v = verifier();
    await v.verify(token);
    await v.verify(token);
    expect(v.requestCount).toBe(2);
  });

  it('an inactive result is never cached: guessing the same token twice asks the AS twice', async () => {
    const v = verifier({ cache: { ttlSeconds: 300 } });
    await expectAuthError(v.verify('guessed-token-value'), 'inactive');
    await expectAuthError(v.verify('guessed-token-value'), 'inactive');
    expect(v.requestCount).toBe(2);
  });

  it('a scope failure is never cached', async () => {
    const token = await idp.clientCredentialsToken({ scope: 'read' });
    const v = verifier({ cache: { ttlSeconds: 300 }, requiredScopes: ['admin'] });
    await expectAuthError(v.verify(token), 'insufficient_scope', { status: 403 });
    await expectAuthError(v.verify(token), 'insufficient_scope', { status: 403 });
    expect(v.requestCount).toBe(2);
  });

  it('a revoked token stops working once the cache TTL passes (the cache does not serve stale results past its TTL)', async () => {
    const token = await idp.clientCredentialsToken();
    const clock = manualClock();
    const v = verifier({ cache: { ttlSeconds: 10 }, clock: clock.now });
    await v.verify(token);
    await idp.revoke(token);
    clock.advance(11_000);
    await expectAuthError(v.verify(token), 'inactive', { token });
    expect(v.requestCount).toBe(2);
  });

  it('a cache entry never outlives the token exp, even with a long TTL', async () => {
    const token = await idp.clientCredentialsToken();
    const clock = manualClock();
    const v = verifier({ cache: { ttlSeconds: 3600 }, clock: clock.now });
    await v.verify(token);
    clock.advance((TOKEN_TTL_SECONDS + 31) * 1000);
    // The AS still reports it active (its clock did not move); ours says expired, and the cache was not used.
    await expectAuthError(v.verify(token), 'expired', { token });
    expect(v.requestCount).toBe(2);
  });

  it('the cache holds token digests, not tokens, and evicts beyond maxEntries', async () => {
    const v = verifier({ cache: { ttlSeconds: 60, maxEntries: 2 } });
    const tokens = await Promise.all([1, 2, 3].map(() => idp.clientCredentialsToken()));
    for (const t of tokens) await v.verify(t);
    expect(v.requestCount).toBe(3);
    await v.verify(tokens[0] ?? ''); // evicted: asks again
    expect(v.requestCount).toBe(4);
  });

  it('100 concurrent verifications of one token make one introspection call', async () => {
    const token = await idp.clientCredentialsToken();
    const v = verifier();
    const results = await Promise.all(Array.from({ length: 100 }, () => v.verify(token)));
    expect(results.every((p) => p.subject === 'app')).toBe(true);
    expect(v.requestCount).toBe(1);
  });
});

describe('IntrospectionVerifier configuration', () => {
  it('refuses non-https introspection URLs except loopback with the explicit opt-in', () => {
    const base = { clientId: 'rs', clientSecret: 's' };
    expectConfigError(() => new IntrospectionVerifier({ ...base, introspectionUrl: 'http://as.example/introspect' }), 'https');
    expectConfigError(
      () => new IntrospectionVerifier({ ...base, introspectionUrl: 'http://127.0.0.1/introspect' }),
      'allowInsecureLoopback',
    );
    expect(
      () => new IntrospectionVerifier({ ...base, introspectionUrl: 'http://127.0.0.1/introspect', allowInsecureLoopback: true }),
    ).not.toThrow();
  });

  it('requires client credentials', () => {
    expectConfigError(
      () => new IntrospectionVerifier({ introspectionUrl: 'https://as.example/i', clientId: '', clientSecret: 's' }),
      'clientId',
    );
    expectConfigError(
      () => new IntrospectionVerifier({ introspectionUrl: 'https://as.example/i', clientId: 'c', clientSecret: '' }),
      'clientSecret',
    );
  });

  it('checksAudience reflects whether an audience is configured', () => {
    expect(verifier().checksAudience).toBe(false);
    expect(verifier({ audience: idp.resource }).checksAudience).toBe(true);
  });
});
