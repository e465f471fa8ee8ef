import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, type AuthFailureReason, type Principal, type TokenVerifier } from '../../../src/auth/principal.js';
import { JwtVerifier } from '../../../src/auth/verifiers/jwt.js';
import { MultiAuth } from '../../../src/auth/verifiers/multi.js';
import { StaticTokenVerifier } from '../../../src/auth/verifiers/static.js';
import { createJwksServer, generateKeyPair, mintToken, type JwksServer, type TestKeyPair } from '../../../src/testing/index.js';
import { expectAuthError, expectConfigError } from './helpers.js';

const AUD = 'https://mcp.example/mcp';
const STATIC = 'static-dev-token-0123456789';

let keyA: TestKeyPair;
let keyB: TestKeyPair;
let jwksA: JwksServer;
let jwksB: JwksServer;

beforeAll(async () => {
  keyA = await generateKeyPair('RS256');
  keyB = await generateKeyPair('ES256');
  jwksA = await createJwksServer([keyA]);
  jwksB = await createJwksServer([keyB]);
});
afterAll(async () => {
  await Promise.all([jwksA.close(), jwksB.close()]);
});

const jwtA = (extra: Partial<ConstructorParameters<typeof JwtVerifier>[0]> = {}): JwtVerifier =>
  new JwtVerifier({ jwksUri: jwksA.url, allowInsecureLoopback: true, issuer: 'https://a.example', audience: AUD, ...extra });
const jwtB = (): JwtVerifier =>
  new JwtVerifier({ jwksUri: jwksB.url, allowInsecureLoopback: true, issuer: 'https://b.example', audience: AUD });
const staticV = (): StaticTokenVerifier =>
  new StaticTokenVerifier({ tokens: { [STATIC]: { sub: 'dev', scopes: ['mcp:tools'] } }, logger: { warn: () => undefined }, env: {} });

/** A verifier that always fails with a fixed reason (or succeeds), counting calls. */
function fake(
  result: AuthFailureReason | Principal,
  opts: { checksAudience?: boolean; requiredScopes?: string[] } = {},
): TokenVerifier & { calls: number } {
  const v = {
    calls: 0,
    checksAudience: opts.checksAudience ?? true,
    requiredScopes: opts.requiredScopes ?? [],
    verify(): Promise<Principal> {
      v.calls += 1;
      return typeof result === 'string' ? Promise.reject(new AuthError(result, `fake ${result}`)) : Promise.resolve(result);
    },
  };
  return v;
}
const ok = (subject: string): Principal => ({ kind: 'token', subject, scopes: ['read'], claims: {} });

describe('MultiAuth', () => {
  it('accepts tokens from each configured verifier', async () => {
    const m = new MultiAuth([jwtA(), jwtB(), staticV()]);
    await expect(m.verify(await mintToken(keyA, { sub: 'a', aud: AUD, iss: 'https://a.example' }))).resolves.toMatchObject({
      subject: 'a',
    });
    await expect(m.verify(await mintToken(keyB, { sub: 'b', aud: AUD, iss: 'https://b.example' }))).resolves.toMatchObject({
      subject: 'b',
    });
    await expect(m.verify(STATIC)).resolves.toMatchObject({ subject: 'dev' });
  });

  it('stops at the first verifier that accepts (later ones are never asked)', async () => {
    const first = fake(ok('first'));
    const second = fake(ok('second'));
    await expect(new MultiAuth([first, second]).verify('t')).resolves.toMatchObject({ subject: 'first' });
    expect(second.calls).toBe(0);
  });

  it('an expired token from issuer B reports "expired", not the "unknown key" verifier A says about it', async () => {
    const m = new MultiAuth([jwtA(), jwtB()]);
    const token = await mintToken(keyB, { sub: 'b', aud: AUD, iss: 'https://b.example', iat: Math.floor(Date.now() / 1000) - 1000 });
    await expectAuthError(m.verify(token), 'expired', { token });
  });

  it('a token for another resource reports wrong_audience even when listed after a failing verifier', async () => {
    const m = new MultiAuth([staticV(), jwtA()]);
    const token = await mintToken(keyA, { sub: 'a', aud: 'https://other.example/mcp', iss: 'https://a.example' });
    await expectAuthError(m.verify(token), 'wrong_audience', { token });
  });

  it('a forged token that no verifier recognises is refused with 401', async () => {
    const attacker = await generateKeyPair('RS256');
    const m = new MultiAuth([jwtA(), jwtB(), staticV()]);
    const token = await mintToken(attacker, { sub: 'admin', aud: AUD, iss: 'https://a.example', kid: keyA.kid });
    const err = await expectAuthError(m.verify(token), 'bad_signature', { token });
    expect(err.status).toBe(401);
  });

  it('an outage in one verifier answers 503 when no other verifier recognised the token', async () => {
    await expectAuthError(
      new MultiAuth([fake('unknown_key'), fake('verifier_unavailable'), fake('malformed')]).verify('t'),
      'verifier_unavailable',
      { status: 503 },
    );
  });

  it('a recognised failure beats an outage elsewhere (the token is known to be bad)', async () => {
    await expectAuthError(new MultiAuth([fake('verifier_unavailable'), fake('expired')]).verify('t'), 'expired');
    await expectAuthError(new MultiAuth([fake('insufficient_scope'), fake('verifier_unavailable')]).verify('t'), 'insufficient_scope', {
      status: 403,
    });
  });

  it('"not mine" beats "malformed", and the earliest verifier wins a tie', async () => {
    await expectAuthError(new MultiAuth([fake('malformed'), fake('inactive')]).verify('t'), 'inactive');
    const err = await expectAuthError(new MultiAuth([fake('expired'), fake('wrong_audience')]).verify('t'), 'expired');
    expect(err.message).toBe('fake expired');
  });

  it('a verifier that throws a non-AuthError is treated as unavailable, never as success', async () => {
    const broken: TokenVerifier = { checksAudience: true, requiredScopes: [], verify: () => Promise.reject(new TypeError('bug')) };
    await expectAuthError(new MultiAuth([broken, fake('bad_signature')]).verify('t'), 'verifier_unavailable', { status: 503 });
  });

  it('its own requiredScopes apply to whichever verifier accepted', async () => {
    const m = new MultiAuth([fake(ok('x'))], { requiredScopes: ['admin'] });
    await expectAuthError(m.verify('t'), 'insufficient_scope', { status: 403 });
  });

  it('checksAudience is true only if every verifier checks audience; requiredScopes is the union', () => {
    expect(new MultiAuth([fake('malformed'), fake('malformed')]).checksAudience).toBe(true);
    expect(new MultiAuth([fake('malformed'), fake('malformed', { checksAudience: false })]).checksAudience).toBe(false);
    const m = new MultiAuth([fake('malformed', { requiredScopes: ['a', 'b'] }), fake('malformed', { requiredScopes: ['b', 'c'] })], {
      requiredScopes: ['z'],
    });
    expect(m.requiredScopes).toEqual(['z', 'a', 'b', 'c']);
  });

  it('refuses an empty verifier list', () => {
    expectConfigError(() => new MultiAuth([]), 'at least one');
  });
});
