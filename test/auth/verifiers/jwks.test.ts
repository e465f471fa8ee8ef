import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../../src/auth/principal.js';
import type { VerifierEvent } from '../../../src/auth/verifiers/claims.js';
import { JwtVerifier } from '../../../src/auth/verifiers/jwt.js';
import { createJwksServer, generateKeyPair, mintToken, type JwksServer, type TestKeyPair } from '../../../src/testing/index.js';
import { expectAuthError } from './helpers.js';

const AUD = 'https://mcp.example/mcp';

let key: TestKeyPair;
let attacker: TestKeyPair;
const servers: JwksServer[] = [];

beforeAll(async () => {
  key = await generateKeyPair('RS256');
  attacker = await generateKeyPair('ES256');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(keys: TestKeyPair[]): Promise<JwksServer> {
  const s = await createJwksServer(keys);
  servers.push(s);
  return s;
}

/** A controllable clock, so cooldowns are tested without sleeping. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = Date.now();
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const randomKidTokens = (n: number): Promise<string[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => mintToken(attacker, { sub: 'x', aud: AUD, kid: `random-kid-${i}-${Math.random()}` })));

describe('JWKS cache: unknown-kid floods do not amplify into IdP requests', () => {
  it('1,000 concurrent random-kid tokens on a cold cache cause exactly ONE JWKS fetch', async () => {
    const s = await server([key]);
    const v = new JwtVerifier({ jwksUri: s.url, allowInsecureLoopback: true, audience: AUD });
    const tokens = await randomKidTokens(1000);
    const results = await Promise.allSettled(tokens.map((t) => v.verify(t)));
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof AuthError && r.reason.reason === 'unknown_key')).toBe(true);
    expect(s.fetchCount).toBe(1);
    expect(v.jwksFetchCount).toBe(1);
  });

  it('1,000 concurrent random-kid tokens after the cooldown has elapsed cause at most ONE more fetch (single-flight)', async () => {
    const s = await server([key]);
    const clock = manualClock();
    const v = new JwtVerifier({ jwksUri: s.url, allowInsecureLoopback: true, audience: AUD, clock: clock.now });
    await v.verify(await mintToken(key, { sub: 'warm', aud: AUD }));
    expect(s.fetchCount).toBe(1);
    clock.advance(31_000);
    const tokens = await randomKidTokens(1000);
    const results = await Promise.allSettled(tokens.map((t) => v.verify(t)));
    expect(results.every((r) => r.status === 'rejected' && (r.reason as AuthError).reason === 'unknown_key')).toBe(true);
    expect(s.fetchCount).toBe(2);
  });

  it('random-kid tokens within the cooldown cause no fetch at all', async () => {
    const s = await server([key]);
    const clock = manualClock();
    const v = new JwtVerifier({ jwksUri: s.url, allowInsecureLoopback: true, audience: AUD, clock: clock.now });
    await v.verify(await mintToken(key, { sub: 'warm', aud: AUD }));
    for (const t of await randomKidTokens(50)) await expectAuthError(v.verify(t), 'unknown_key', { token: t });
    clock.advance(29_000);
    for (const t of await randomKidTokens(50)) await expectAuthError(v.verify(t), 'unknown_key', { token: t });
    expect(s.fetchCount).toBe(1);
  });

  it('a sequential stream of random kids refetches at most once per cooldown window', async () => {
    const s = await server([key]);
    const clock = manualClock();
    const v = new JwtVerifier({ jwksUri: s.url, allowInsecureLoopback: true, audience: AUD, clock: clock.now, jwksCooldownSeconds: 10 });
    const tokens = await randomKidTokens(60);
    for (const t of tokens) {
      await expectAuthError(v.verify(t), 'unknown_key');
      clock.advance(1_000); // 60 tokens over 60 s
    }
    // first load + one per 10 s window
    expect(s.fetchCount).toBeLessThanOrEqual(7);
  });
});

describe('JWKS cache: tokens without kid', () => {
  it('a kid-less token verifies when exactly one key can match, and is refused as ambiguous otherwise', async () => {
    const { SignJWT } = await import('jose');
    const kidless = (k: TestKeyPair): Promise<string> =>
      new SignJWT({ sub: 'a', aud: AUD }).setProtectedHeader({ alg: k.alg }).setIssuedAt().setExpirationTime('5m').sign(k.privateKey);
    const single = await server([key]);
    const v1 = new JwtVerifier({ jwksUri: single.url, allowInsecureLoopback: true, audience: AUD });
    await expect(v1.verify(await kidless(key))).resolves.toMatchObject({ subject: 'a' });
    const other = await generateKeyPair('RS256');
    const two = await server([key, other]);
    const v2 = new JwtVerifier({ jwksUri: two.url, allowInsecureLoopback: true, audience: AUD });
    await expectAuthError(v2.verify(await kidless(key)), 'unknown_key');
  });
});

describe('JWKS cache: key rotation and outages', () => {
  it('picks up a rotated key once the cooldown allows a refetch', async () => {
    const s = await server([key]);
    const clock = manualClock();
    const v = new JwtVerifier({ jwksUri: s.url, allowInsecureLoopback: true, audience: AUD, clock: clock.now });
    await v.verify(await mintToken(key, { sub: 'a', aud: AUD }));
    const next = await generateKeyPair('RS256');
    s.setKeys([key, next]);
    const rotated = await mintToken(next, { sub: 'b', aud: AUD });
    await expectAuthError(v.verify(rotated), 'unknown_key'); // within cooldown
    clock.advance(30_000);
    await expect(v.verify(rotated)).resolves.toMatchObject({ subject: 'b' });
    expect(s.fetchCount).toBe(2);
  });

  it('a key removed from the JWKS stops verifying after the cache max age', async () => {
    const s = await server([key]);
    const clock = manualClock();
    const v = new JwtVerifier({ jwksUri: s.url, allowInsecureLoopback: true, audience: AUD, clock: clock.now, jwksMaxAgeSeconds: 60 });
    const token = await mintToken(key, { sub: 'a', aud: AUD, ttlSeconds: 3600 });
    await v.verify(token);
    const next = await generateKeyPair('RS256');
    s.setKeys([next]);
    clock.advance(61_000);
    await expectAuthError(v.verify(token), 'unknown_key');
  });

  it('JWKS endpoint down on first use answers 503 verifier_unavailable, not 401', async () => {
    const s = await server([key]);
    s.setFailure(500);
    const v = new JwtVerifier({ jwksUri: s.url, allowInsecureLoopback: true, audience: AUD });
    const token = await mintToken(key, { sub: 'a', aud: AUD });
    await expectAuthError(v.verify(token), 'verifier_unavailable', { status: 503, token });
  });

  it('while the first load keeps failing, requests back off instead of each fetching', async () => {
    const s = await server([key]);
    s.setFailure(503);
    const clock = manualClock();
    const v = new JwtVerifier({ jwksUri: s.url, allowInsecureLoopback: true, audience: AUD, clock: clock.now });
    const token = await mintToken(key, { sub: 'a', aud: AUD });
    for (let i = 0; i < 20; i++) await expectAuthError(v.verify(token), 'verifier_unavailable');
    expect(s.fetchCount).toBe(1);
    s.setFailure(undefined);
    clock.advance(5_000);
    await expect(v.verify(token)).resolves.toMatchObject({ subject: 'a' });
  });

  it('a JWKS whose keys are unusable matches nothing (unknown_key), it never accepts anything', async () => {
    const s = await server([]);
    s.setKeys([{ kty: 'nonsense' } as never]);
    const v = new JwtVerifier({ jwksUri: s.url, allowInsecureLoopback: true, audience: AUD });
    await expectAuthError(v.verify(await mintToken(key, { sub: 'a', aud: AUD })), 'unknown_key');
  });

  it('a JWKS document that is not a key set (or not JSON) is an outage: 503', async () => {
    for (const body of ['{"not":"a jwks"}', '<html>proxy error</html>', '']) {
      const v = new JwtVerifier({
        jwksUri: 'https://idp.example/jwks.json',
        audience: AUD,
        fetch: () => Promise.resolve(new Response(body, { status: 200 })),
      });
      const err = await expectAuthError(v.verify(await mintToken(key, { sub: 'a', aud: AUD })), 'verifier_unavailable', { status: 503 });
      expect(err.message).not.toContain('proxy error');
    }
  });

  it('a JWKS response larger than 512 KiB is refused (503) without being buffered whole', async () => {
    const huge = JSON.stringify({ keys: [], pad: 'x'.repeat(600 * 1024) });
    const v = new JwtVerifier({
      jwksUri: 'https://idp.example/jwks.json',
      audience: AUD,
      fetch: () => Promise.resolve(new Response(huge, { status: 200 })),
    });
    await expectAuthError(v.verify(await mintToken(key, { sub: 'a', aud: AUD })), 'verifier_unavailable');
  });

  it('a redirect from the JWKS URL is not followed (it could point anywhere)', async () => {
    let seenRedirectMode: RequestRedirect | undefined;
    const v = new JwtVerifier({
      jwksUri: 'https://idp.example/jwks.json',
      audience: AUD,
      fetch: (_u, init) => {
        seenRedirectMode = init?.redirect;
        return Promise.reject(new TypeError('redirect mode is set to error'));
      },
    });
    await expectAuthError(v.verify(await mintToken(key, { sub: 'a', aud: AUD })), 'verifier_unavailable');
    expect(seenRedirectMode).toBe('error');
  });

  it('an unreachable JWKS host times out into 503', async () => {
    const v = new JwtVerifier({
      jwksUri: 'https://jwks.invalid/jwks.json',
      audience: AUD,
      jwksTimeoutMs: 50,
      fetch: (_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
    });
    await expectAuthError(v.verify(await mintToken(key, { sub: 'a', aud: AUD })), 'verifier_unavailable', { status: 503 });
  });

  it('emits structured jwks_refresh events that never contain the token', async () => {
    const s = await server([key]);
    const events: VerifierEvent[] = [];
    const v = new JwtVerifier({ jwksUri: s.url, allowInsecureLoopback: true, audience: AUD, onEvent: (e) => events.push(e) });
    const token = await mintToken(key, { sub: 'a', aud: AUD });
    await v.verify(token);
    const bad = await mintToken(attacker, { sub: 'a', aud: AUD, kid: 'zzz' });
    await v.verify(bad).catch(() => undefined);
    expect(events[0]).toMatchObject({ type: 'jwks_refresh', reason: 'initial', ok: true, keyCount: 1, url: s.url });
    const dump = JSON.stringify(events);
    expect(dump).not.toContain(token.split('.')[2]);
    expect(dump).not.toContain(bad.split('.')[2]);
  });
});
