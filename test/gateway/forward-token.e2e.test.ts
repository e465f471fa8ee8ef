/**
 * `forwardUserToken`: an http upstream that needs the user's own token (the OAuth Proxy's upstream
 * token in `principal.extra.upstream.accessToken`) gets that token, and only on calls of that user;
 * the gateway's own headers never carry it and the client never sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/gateway/index.js';
import { createStore } from '../../src/storage/index.js';
import { createDemoRouter, demoRules } from '../../src/demo/router.js';
import { JwtVerifier } from '../../src/auth/verifiers/index.js';
import { AuthError, type Principal, type TokenVerifier } from '../../src/auth/principal.js';
import { generateKeyPair, mintToken, type TestKeyPair } from '../../src/testing/index.js';
import { freePort, startServer, type Started } from '../helpers/mcp.js';
import { capturingLogger, gatewayClient, textOf } from './helpers.js';

describe('gateway: forwarding the user upstream token', () => {
  let keys: TestKeyPair;
  let upstream: Started;
  let gateway: Gateway;
  let url: string;
  const upstreamTokens = new Map<string, string>();

  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    const port = await freePort();
    const aud = `http://127.0.0.1:${port}/mcp`;
    upstream = await startServer({
      name: 'notes',
      version: '1',
      router: createDemoRouter(),
      rules: demoRules,
      http: { port },
      auth: new JwtVerifier({ publicKey: keys.publicJwk, issuer: 'upstream-idp', audience: aud }),
    });
    upstreamTokens.set('alice', await mintToken(keys, { sub: 'alice', aud, iss: 'upstream-idp', scope: 'notes:read' }));
    // Stands in for the OAuth Proxy: our own session token maps to a principal carrying the user's upstream token.
    const gatewayAuth: TokenVerifier = {
      checksAudience: true,
      requiredScopes: [],
      async verify(token: string): Promise<Principal> {
        const sub = token.replace(/^session-/, '');
        const accessToken = upstreamTokens.get(sub);
        if (!accessToken) throw new AuthError('inactive', 'unknown session');
        return { kind: 'token', subject: sub, scopes: [], claims: { sub }, extra: { upstream: { accessToken } } };
      },
    };
    gateway = await createGateway({
      config: {
        mcpServers: {
          notes: {
            url: aud,
            forwardUserToken: true,
            headers: {
              authorization: `Bearer ${await mintToken(keys, { sub: 'gateway', aud, iss: 'upstream-idp', scope: 'notes:read' })}`,
            },
          },
        },
        pins: { trustOnFirstUse: true, relistIntervalSeconds: 0 },
      },
      auth: gatewayAuth,
      store: await createStore({ type: 'memory' }),
      logger: capturingLogger().logger,
      http: { port: 0 },
    });
    await gateway.start();
    url = (await gateway.listen()).url;
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("calls the upstream as the user, with the user's token, which the client never sees", async () => {
    const client = await gatewayClient(url, { authorization: 'Bearer session-alice' });
    const who = await client.callTool({ name: 'notes__whoami', arguments: {} });
    expect(textOf(who)).toContain('alice');
    expect(textOf(who)).not.toContain('gateway');
    expect(JSON.stringify(who)).not.toContain(upstreamTokens.get('alice')!);
    await client.close();
  });
});
