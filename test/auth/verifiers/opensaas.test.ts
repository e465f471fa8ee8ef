import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { OpenSaasJwtVerifier } from '../../../src/auth/verifiers/opensaas.js';
import { generateKeyPair, mintToken, type TestKeyPair } from '../../../src/testing/index.js';
import { b64url, expectAuthError, expectConfigError, now } from './helpers.js';

let rsa: TestKeyPair;
let ec: TestKeyPair;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256');
  ec = await generateKeyPair('ES256');
});

const opensaasClaims = {
  userId: 'user-42',
  email: 'u@example.com',
  subscriptionTier: 'pro',
  features: ['chat', 'constructor', '__proto__'],
  organizationId: 'org-7',
  monthlyTokenQuota: 100000,
  rpmLimit: 60,
  tpmLimit: 9000,
};

const mint = (claims: Record<string, unknown> = opensaasClaims, extra: Partial<Parameters<typeof mintToken>[1]> = {}): Promise<string> =>
  mintToken(rsa, { sub: undefined as unknown as string, aud: 'rpc-ai-backend', iss: 'opensaas', claims, ...extra });

function verifier(extra: Partial<ConstructorParameters<typeof OpenSaasJwtVerifier>[0]> = {}): OpenSaasJwtVerifier {
  return new OpenSaasJwtVerifier({
    publicKey: rsa.publicPem,
    featureScopes: { chat: ['ai:execute'], tools: ['mcp:tools'] },
    tierScopes: { pro: ['ai:configure'] },
    ...extra,
  });
}

describe('OpenSaasJwtVerifier', () => {
  it('maps userId to subject, features and tier to scopes, and exposes the identity in extra.opensaas', async () => {
    const token = await mint({ ...opensaasClaims, scope: 'read' });
    const p = await verifier().verify(token);
    expect(p.subject).toBe('user-42');
    expect([...p.scopes].sort()).toEqual(['ai:configure', 'ai:execute', 'read']);
    expect(p.claims['email']).toBe('u@example.com');
    expect(p.extra?.['opensaas']).toMatchObject({
      userId: 'user-42',
      email: 'u@example.com',
      subscriptionTier: 'pro',
      organizationId: 'org-7',
      rpmLimit: 60,
    });
    expect(p.resource).toBe('rpc-ai-backend');
    expect(verifier().checksAudience).toBe(true);
  });

  it('a feature named "constructor" or "__proto__" grants nothing (no prototype lookups)', async () => {
    const p = await verifier({ tierScopes: {} }).verify(await mint({ userId: 'u', features: ['constructor', '__proto__', 'toString'] }));
    expect(p.scopes).toEqual([]);
  });

  it('refuses an ES256 token even from a key the attacker controls the JWKS of: RS256 only', async () => {
    const token = await mintToken(ec, { sub: 'x', aud: 'rpc-ai-backend', iss: 'opensaas', claims: opensaasClaims });
    await expectAuthError(new OpenSaasJwtVerifier({ publicKey: rsa.publicPem }).verify(token), 'algorithm_not_allowed', { token });
  });

  it('refuses an HS256 token signed with the RSA public key as secret', async () => {
    const input = `${b64url({ alg: 'HS256' })}.${b64url({ ...opensaasClaims, aud: 'rpc-ai-backend', iss: 'opensaas', exp: now() + 60 })}`;
    const token = `${input}.${createHmac('sha256', rsa.publicPem).update(input).digest('base64url')}`;
    await expectAuthError(verifier().verify(token), 'algorithm_not_allowed', { token });
  });

  it('refuses tokens for another audience or issuer than the old backend defaults', async () => {
    const wrongAud = await mint(opensaasClaims, { aud: 'some-other-app' });
    await expectAuthError(verifier().verify(wrongAud), 'wrong_audience', { token: wrongAud });
    const wrongIss = await mint(opensaasClaims, { iss: 'not-opensaas' });
    await expectAuthError(verifier().verify(wrongIss), 'wrong_issuer', { token: wrongIss });
  });

  it('allows overriding issuer and audience (bind to this server)', async () => {
    const token = await mint(opensaasClaims, { aud: 'https://mcp.example/mcp', iss: 'https://app.example' });
    await expect(verifier({ audience: 'https://mcp.example/mcp', issuer: 'https://app.example' }).verify(token)).resolves.toMatchObject({
      resource: 'https://mcp.example/mcp',
    });
  });

  it('refuses tokens without userId/sub and with mistyped claims', async () => {
    await expectAuthError(verifier().verify(await mint({ email: 'x@example.com' })), 'invalid_claims');
    await expectAuthError(verifier().verify(await mint({ userId: 'u', features: 'chat' })), 'invalid_claims');
    await expectAuthError(verifier().verify(await mint({ userId: 'u', rpmLimit: '60' })), 'invalid_claims');
  });

  it('enforces required scopes with 403', async () => {
    const token = await mint({ userId: 'u', features: ['chat'] });
    await expectAuthError(verifier({ requiredScopes: ['mcp:tools'] }).verify(token), 'insufficient_scope', { status: 403 });
    await expect(verifier({ requiredScopes: ['ai:execute'] }).verify(token)).resolves.toBeTruthy();
  });

  it('refuses an expired token', async () => {
    const token = await mint(opensaasClaims, { iat: now() - 1000, ttlSeconds: 60 });
    await expectAuthError(verifier().verify(token), 'expired', { token });
  });

  it('refuses a non-RSA public key at construction', () => {
    expectConfigError(() => new OpenSaasJwtVerifier({ publicKey: ec.publicPem }), 'RS256');
  });
});
