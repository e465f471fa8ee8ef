import { describe, expect, it } from 'vitest';
import { OpenSaasJwtVerifier } from '../../src/auth/verifiers/opensaas.js';
import { MultiAuth } from '../../src/auth/verifiers/multi.js';
import { StaticTokenVerifier } from '../../src/auth/verifiers/static.js';
import { generateKeyPair, mintToken } from '../../src/testing/index.js';
import { createDemoRouter, demoRules } from '../../src/demo/router.js';
import { connectClient, initializeBody, rawPost, startServer } from '../helpers/mcp.js';

describe('OpenSaaS-issued JWTs open the MCP endpoints (and a dev token alongside, via MultiAuth)', () => {
  it('maps OpenSaaS features to scopes, so the right demo tools appear', async () => {
    const keys = await generateKeyPair('RS256');
    const opensaas = new OpenSaasJwtVerifier({
      publicKey: keys.publicPem,
      featureScopes: { notes: ['notes:read', 'notes:write'] },
      tierScopes: { enterprise: ['admin'] },
    });
    const dev = new StaticTokenVerifier({
      tokens: { 'dev-token-for-local-testing-0001': { sub: 'dev', scopes: ['notes:read'] } },
      logger: { warn: () => undefined },
    });
    const s = await startServer({
      name: 'os',
      version: '1',
      router: createDemoRouter(),
      rules: demoRules,
      auth: new MultiAuth([opensaas, dev]),
    });
    try {
      const claims = {
        userId: 'u-42',
        email: 'u42@example.com',
        subscriptionTier: 'pro',
        features: ['notes'],
        organizationId: 'org-1',
        monthlyTokenQuota: 1000,
        rpmLimit: 10,
        tpmLimit: 1000,
      };
      const pro = await mintToken(keys, { sub: 'u-42', aud: 'rpc-ai-backend', iss: 'opensaas', claims });
      const client = await connectClient(s.url, '2025-11-25', { authorization: `Bearer ${pro}` });
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['notes_add', 'notes_list', 'whoami']);
      expect((await client.callTool({ name: 'whoami', arguments: {} })).structuredContent).toMatchObject({
        subject: 'u-42',
        scopes: expect.arrayContaining(['notes:read', 'notes:write']),
      });
      await client.close();

      const enterprise = await mintToken(keys, {
        sub: 'u-1',
        aud: 'rpc-ai-backend',
        iss: 'opensaas',
        claims: { ...claims, userId: 'u-1', subscriptionTier: 'enterprise' },
      });
      const admin = await connectClient(s.url, '2026-07-28', { authorization: `Bearer ${enterprise}` });
      expect((await admin.listTools()).tools.map((t) => t.name)).toContain('admin_reset');
      await admin.close();

      const devClient = await connectClient(s.url, '2026-07-28', { authorization: 'Bearer dev-token-for-local-testing-0001' });
      expect((await devClient.listTools()).tools.map((t) => t.name).sort()).toEqual(['notes_list', 'whoami']);
      await devClient.close();

      const forged = await mintToken(await generateKeyPair('RS256'), { sub: 'u-42', aud: 'rpc-ai-backend', iss: 'opensaas', claims });
      expect((await rawPost(s.url, initializeBody(), { authorization: `Bearer ${forged}` })).status).toBe(401);
    } finally {
      await s.close();
    }
  });
});
