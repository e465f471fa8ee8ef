import { createHmac, generateKeyPairSync, KeyObject, sign as cryptoSign } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtVerifier } from '../../../src/auth/verifiers/jwt.js';
import { createJwksServer, generateKeyPair, mintToken, type JwksServer, type TestKeyPair } from '../../../src/testing/index.js';
import { b64url, expectAuthError, expectConfigError, now } from './helpers.js';

const ISS = 'https://idp.example';
const AUD = 'https://mcp.example/mcp';

let key: TestKeyPair;
let attackerKey: TestKeyPair;
let jwks: JwksServer;

beforeAll(async () => {
  key = await generateKeyPair('RS256');
  attackerKey = await generateKeyPair('RS256');
  jwks = await createJwksServer([key]);
});
afterAll(async () => {
  await jwks.close();
});

function jwksVerifier(extra: Partial<ConstructorParameters<typeof JwtVerifier>[0]> = {}): JwtVerifier {
  return new JwtVerifier({ jwksUri: jwks.url, allowInsecureLoopback: true, issuer: ISS, audience: AUD, ...extra });
}

const mint = (opts: Partial<Parameters<typeof mintToken>[1]> = {}, k: TestKeyPair = key): Promise<string> =>
  mintToken(k, { sub: 'alice', aud: AUD, iss: ISS, scope: 'mcp:tools', ...opts });

/** HMAC-signs a header+payload by hand, the way an attacker would. */
function hmacSign(header: object, payload: object, secret: string | Buffer): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('JwtVerifier: accepted tokens', () => {
  it('accepts a token signed by a published JWKS key and builds the principal', async () => {
    const token = await mint({ scope: 'mcp:tools read', claims: { client_id: 'cli-1', roles: ['admin'] } });
    const p = await jwksVerifier().verify(token);
    expect(p).toMatchObject({
      kind: 'token',
      subject: 'alice',
      clientId: 'cli-1',
      scopes: ['mcp:tools', 'read'],
      roles: ['admin'],
      audience: [AUD],
      resource: AUD,
    });
    expect(p.expiresAt).toBeGreaterThan(now());
    expect(p.claims['iss']).toBe(ISS);
    expect(JSON.stringify(p)).not.toContain(token);
  });

  it('reads scopes from an `scp` array and from an `scp` string', async () => {
    const v = jwksVerifier();
    const arr = await mint({ scope: undefined, claims: { scp: ['a', 'b'] } });
    expect((await v.verify(arr)).scopes).toEqual(['a', 'b']);
    const str = await mint({ scope: undefined, claims: { scp: 'c d' } });
    expect((await v.verify(str)).scopes).toEqual(['c', 'd']);
  });

  it('takes client_id from azp, then cid, and uses it as subject when there is no sub', async () => {
    const v = jwksVerifier();
    const azp = await mint({ claims: { azp: 'from-azp', cid: 'from-cid' } });
    expect((await v.verify(azp)).clientId).toBe('from-azp');
    const cid = await mint({ claims: { sub: undefined, cid: 'svc-client' } });
    const p = await v.verify(cid);
    expect(p.subject).toBe('svc-client');
    expect(p.clientId).toBe('svc-client');
  });

  it('accepts any of several issuers and audiences', async () => {
    const v = jwksVerifier({ issuer: ['https://other-idp.example', ISS], audience: ['https://x.example', AUD] });
    await expect(v.verify(await mint({ aud: ['https://unrelated.example', AUD] }))).resolves.toMatchObject({ resource: AUD });
  });

  it('tolerates clock skew within 30 s: just-expired and not-quite-valid tokens pass', async () => {
    const v = jwksVerifier();
    const justExpired = await mint({ iat: now() - 320, ttlSeconds: 300 }); // expired 20 s ago
    await expect(v.verify(justExpired)).resolves.toMatchObject({ subject: 'alice' });
    const nearlyValid = await mint({ nbf: now() + 20 });
    await expect(v.verify(nearlyValid)).resolves.toMatchObject({ subject: 'alice' });
  });

  it('verifies with a PEM public key, with a JWK, and with an HMAC secret', async () => {
    const token = await mint();
    await expect(new JwtVerifier({ publicKey: key.publicPem, issuer: ISS, audience: AUD }).verify(token)).resolves.toBeTruthy();
    await expect(new JwtVerifier({ publicKey: key.publicJwk, issuer: ISS, audience: AUD }).verify(token)).resolves.toBeTruthy();
    await expect(new JwtVerifier({ publicKey: JSON.stringify(key.publicJwk), audience: AUD }).verify(token)).resolves.toBeTruthy();
    const secret = 'x'.repeat(32);
    const hs = await new SignJWT({ sub: 'bob', aud: AUD })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));
    await expect(new JwtVerifier({ secret, audience: AUD }).verify(hs)).resolves.toMatchObject({ subject: 'bob' });
  });

  it('verifies ES256 and EdDSA keys from a JWKS', async () => {
    const es = await generateKeyPair('ES256');
    const ed = await generateKeyPair('EdDSA');
    const server = await createJwksServer([es, ed]);
    try {
      const v = new JwtVerifier({ jwksUri: server.url, allowInsecureLoopback: true, audience: AUD });
      await expect(v.verify(await mint({}, es))).resolves.toBeTruthy();
      await expect(v.verify(await mint({}, ed))).resolves.toBeTruthy();
    } finally {
      await server.close();
    }
  });

  it('checks the typ header when asked to (RFC 9068 at+jwt), refusing an ID token shaped JWT', async () => {
    const v = jwksVerifier({ typ: 'at+jwt' });
    await expect(v.verify(await mint({ typ: 'at+jwt' }))).resolves.toBeTruthy();
    const idToken = await mint({ typ: 'JWT' });
    await expectAuthError(v.verify(idToken), 'invalid_claims', { token: idToken });
  });

  it('checksAudience is true only when an audience is configured', () => {
    expect(jwksVerifier().checksAudience).toBe(true);
    expect(new JwtVerifier({ jwksUri: jwks.url, allowInsecureLoopback: true }).checksAudience).toBe(false);
  });
});

describe('JwtVerifier: forged and misused tokens are refused', () => {
  it('attack 1: alg "none" (unsigned token, any capitalisation) is refused by every key type', async () => {
    const payload = { sub: 'admin', aud: AUD, iss: ISS, exp: now() + 300, scope: 'mcp:tools' };
    const verifiers = [
      jwksVerifier(),
      new JwtVerifier({ publicKey: key.publicPem, audience: AUD }),
      new JwtVerifier({ secret: 's'.repeat(32), audience: AUD }),
    ];
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      for (const sig of ['', 'AAAA']) {
        const token = `${b64url({ alg, typ: 'JWT' })}.${b64url(payload)}.${sig}`;
        for (const v of verifiers) await expectAuthError(v.verify(token), 'algorithm_not_allowed', { token });
      }
    }
  });

  it('attack 2: HS256 token "signed" with the RSA public key PEM as the HMAC secret is refused', async () => {
    const payload = { sub: 'admin', aud: AUD, iss: ISS, exp: now() + 300 };
    const token = hmacSign({ alg: 'HS256', typ: 'JWT', kid: key.kid }, payload, key.publicPem);
    await expectAuthError(new JwtVerifier({ publicKey: key.publicPem, audience: AUD }).verify(token), 'algorithm_not_allowed', { token });
    await expectAuthError(new JwtVerifier({ publicKey: key.publicJwk, audience: AUD }).verify(token), 'algorithm_not_allowed', { token });
    await expectAuthError(jwksVerifier().verify(token), 'algorithm_not_allowed', { token });
    // Same trick with the JWK JSON text as the secret.
    const token2 = hmacSign({ alg: 'HS256', kid: key.kid }, payload, JSON.stringify(key.publicJwk));
    await expectAuthError(jwksVerifier().verify(token2), 'algorithm_not_allowed', { token: token2 });
  });

  it('attack 2b: configuring HMAC algorithms with a public key (or RSA with a secret) fails at construction', () => {
    expectConfigError(() => new JwtVerifier({ publicKey: key.publicPem, algorithms: ['RS256', 'HS256'] }), 'HS256');
    expectConfigError(() => new JwtVerifier({ jwksUri: 'https://idp.example/jwks', algorithms: ['HS256'] }), 'HS256');
    expectConfigError(() => new JwtVerifier({ secret: 'k'.repeat(32), algorithms: ['RS256'] }), 'RS256');
    expectConfigError(() => new JwtVerifier({ secret: 'k'.repeat(32), algorithms: ['none'] }), 'none');
    expectConfigError(() => new JwtVerifier({ publicKey: { ...key.publicJwk, alg: 'HS256' } }), 'alg');
  });

  it('attack 2c: an RS256 token presented to an HMAC verifier is refused (wrong family)', async () => {
    const token = await mint();
    await expectAuthError(new JwtVerifier({ secret: 'k'.repeat(32), audience: AUD }).verify(token), 'algorithm_not_allowed', { token });
  });

  it('attack 3: an expired token (beyond the 30 s tolerance) is refused', async () => {
    const token = await mint({ iat: now() - 400, ttlSeconds: 300 });
    await expectAuthError(jwksVerifier().verify(token), 'expired', { token });
  });

  it('attack 4: a token whose nbf is in the future (beyond tolerance) is refused', async () => {
    const token = await mint({ nbf: now() + 120 });
    await expectAuthError(jwksVerifier().verify(token), 'not_yet_valid', { token });
  });

  it('attack 5: a token from another issuer (same keys) is refused', async () => {
    const token = await mint({ iss: 'https://evil.example' });
    await expectAuthError(jwksVerifier().verify(token), 'wrong_issuer', { token });
    const noIss = await mint({ iss: undefined });
    await expectAuthError(jwksVerifier().verify(noIss), 'wrong_issuer', { token: noIss });
  });

  it('attack 6: a token for another audience (or none) is refused', async () => {
    const token = await mint({ aud: 'some-other-api' });
    await expectAuthError(jwksVerifier().verify(token), 'wrong_audience', { token });
    const noAud = await mint({ claims: { aud: undefined } });
    await expectAuthError(jwksVerifier().verify(noAud), 'wrong_audience', { token: noAud });
  });

  it('attack 7: a token minted for another MCP server (aud = other resource URL) is refused', async () => {
    const token = await mint({ aud: 'https://other-mcp.example/mcp' });
    await expectAuthError(jwksVerifier().verify(token), 'wrong_audience', { token });
    const prefixed = await mint({ aud: `${AUD}/../evil` });
    await expectAuthError(jwksVerifier().verify(prefixed), 'wrong_audience', { token: prefixed });
    const many = await mint({ aud: ['https://other-mcp.example/mcp', 'https://third.example/mcp'] });
    await expectAuthError(jwksVerifier().verify(many), 'wrong_audience', { token: many });
  });

  it('attack 8: a token signed by an unpublished key with an unknown kid is refused', async () => {
    const token = await mint({ kid: 'attacker-kid' }, attackerKey);
    await expectAuthError(jwksVerifier().verify(token), 'unknown_key', { token });
  });

  it('attack 8b: a token that reuses a published kid but is signed with the attacker key is refused', async () => {
    const token = await mint({ kid: key.kid }, attackerKey);
    await expectAuthError(jwksVerifier().verify(token), 'bad_signature', { token });
    await expectAuthError(new JwtVerifier({ publicKey: key.publicPem }).verify(token), 'bad_signature', { token });
  });

  it('attack 8d: header jku/x5u pointing at an attacker JWKS is ignored (never fetched), embedded jwk is not trusted', async () => {
    const evil = await createJwksServer([attackerKey]);
    try {
      const viaJku = await new SignJWT({ sub: 'admin', aud: AUD, iss: ISS })
        .setProtectedHeader({ alg: 'RS256', kid: attackerKey.kid, jku: evil.url, x5u: evil.url })
        .setExpirationTime('5m')
        .sign(attackerKey.privateKey);
      await expectAuthError(jwksVerifier().verify(viaJku), 'unknown_key', { token: viaJku });
      await expectAuthError(new JwtVerifier({ publicKey: key.publicPem, audience: AUD }).verify(viaJku), 'bad_signature', {
        token: viaJku,
      });
      expect(evil.fetchCount).toBe(0);
      const viaJwk = await new SignJWT({ sub: 'admin', aud: AUD, iss: ISS })
        .setProtectedHeader({ alg: 'RS256', jwk: attackerKey.publicJwk })
        .setExpirationTime('5m')
        .sign(attackerKey.privateKey);
      await expectAuthError(new JwtVerifier({ publicKey: key.publicPem, audience: AUD }).verify(viaJwk), 'bad_signature', {
        token: viaJwk,
      });
    } finally {
      await evil.close();
    }
  });

  it('attack 8c: a tampered payload (scope escalated) under a genuine signature is refused', async () => {
    const token = await mint({ scope: 'read' });
    const [h, , s] = token.split('.');
    const forged = `${h}.${b64url({ sub: 'alice', aud: AUD, iss: ISS, exp: now() + 300, scope: 'admin' })}.${s}`;
    await expectAuthError(jwksVerifier().verify(forged), 'bad_signature', { token: forged });
  });

  it('attack 9: truncated and garbage tokens are refused as malformed (or bad signature), never crash', async () => {
    const good = await mint();
    const [h, p, s = ''] = good.split('.');
    const v = jwksVerifier();
    const malformed = [
      '',
      'garbage',
      'a.b',
      `${h}.${p}`,
      `${h}.${p}.${s}.extra`,
      'a.b.c.d.e', // JWE shape
      `${h}..${s}`,
      `.${p}.${s}`,
      `${b64url('not json')}.${p}.${s}`,
      `${b64url('[]')}.${p}.${s}`,
      `${h}.${p}.${s}=`, // padding is not base64url
      `${h} .${p}.${s}`,
      `Bearer ${good}`,
      `${h}.${p}.${s}\n`,
      `${h}.${'A'.repeat(40_000)}.${s}`, // oversized
      '\u0000.\u0000.\u0000',
    ];
    for (const token of malformed) await expectAuthError(v.verify(token), 'malformed', { token });
    // Signature cut short: well-formed shape, wrong signature.
    const truncated = `${h}.${p}.${s.slice(0, Math.floor(s.length / 2))}`;
    await expectAuthError(v.verify(truncated), 'bad_signature', { token: truncated });
    // Payload that is not JSON under a token shape.
    const badPayload = `${h}.${b64url('{"sub":')}.${s}`;
    const err = await expectAuthError(v.verify(badPayload), 'bad_signature', { token: badPayload });
    expect(err.message).not.toContain('sub');
  });

  it('a token with a header that is not an object or with an unknown crit extension is refused', async () => {
    // jose refuses to sign this, so sign by hand with the genuine key.
    const rsaSign = (header: object): string => {
      const input = `${b64url(header)}.${b64url({ sub: 'alice', aud: AUD, iss: ISS, exp: now() + 300 })}`;
      return `${input}.${cryptoSign('sha256', Buffer.from(input), KeyObject.from(key.privateKey)).toString('base64url')}`;
    };
    const crit = rsaSign({ alg: 'RS256', kid: key.kid, crit: ['x-evil'], 'x-evil': true });
    await expectAuthError(jwksVerifier().verify(crit), 'malformed', { token: crit });
    const b64false = rsaSign({ alg: 'RS256', kid: key.kid, crit: ['b64'], b64: false });
    await expectAuthError(jwksVerifier().verify(b64false), 'malformed', { token: b64false });
  });

  it('a token without exp is refused (exp is required)', async () => {
    const token = await new SignJWT({ sub: 'alice', aud: AUD, iss: ISS })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuedAt()
      .sign(key.privateKey);
    await expectAuthError(jwksVerifier().verify(token), 'invalid_claims', { token });
  });

  it('a token with neither sub nor client id is refused', async () => {
    const token = await mint({ claims: { sub: undefined } });
    await expectAuthError(jwksVerifier().verify(token), 'invalid_claims', { token });
  });

  it('a token whose scope claim is not a string list is refused rather than guessed at', async () => {
    const token = await mint({ claims: { scope: { admin: true } } });
    await expectAuthError(jwksVerifier().verify(token), 'invalid_claims', { token });
  });

  it('a token without the required scopes gets 403 insufficient_scope listing them', async () => {
    const token = await mint({ scope: 'read' });
    const err = await expectAuthError(jwksVerifier({ requiredScopes: ['read', 'mcp:tools'] }).verify(token), 'insufficient_scope', {
      token,
      status: 403,
    });
    expect(err.requiredScopes).toEqual(['read', 'mcp:tools']);
  });

  it('a token signed with a different HMAC secret is refused', async () => {
    const token = hmacSign({ alg: 'HS256' }, { sub: 'x', aud: AUD, exp: now() + 60 }, 'attacker-secret-attacker-secret-!!');
    await expectAuthError(new JwtVerifier({ secret: 'the-real-secret-the-real-secret-!!', audience: AUD }).verify(token), 'bad_signature', {
      token,
    });
  });
});

describe('JwtVerifier: configuration is checked at construction', () => {
  it('refuses a non-https JWKS URI (http on a public host, loopback without opt-in, file:, look-alike hosts)', () => {
    expectConfigError(() => new JwtVerifier({ jwksUri: 'http://idp.example/jwks.json' }), 'https');
    expectConfigError(() => new JwtVerifier({ jwksUri: 'http://127.0.0.1:1/jwks.json' }), 'allowInsecureLoopback');
    expectConfigError(() => new JwtVerifier({ jwksUri: 'http://10.0.0.1/jwks.json', allowInsecureLoopback: true }), 'https');
    expectConfigError(() => new JwtVerifier({ jwksUri: 'http://localhost.evil.example/jwks.json', allowInsecureLoopback: true }), 'https');
    expectConfigError(() => new JwtVerifier({ jwksUri: 'file:///etc/jwks.json' }), 'https');
    expectConfigError(() => new JwtVerifier({ jwksUri: 'https://user:pw@idp.example/jwks.json' }), 'credentials');
    expectConfigError(() => new JwtVerifier({ jwksUri: 'not a url' }), 'jwksUri');
    expect(() => new JwtVerifier({ jwksUri: 'http://[::1]:8080/jwks.json', allowInsecureLoopback: true })).not.toThrow();
    expect(() => new JwtVerifier({ jwksUri: 'http://localhost:8080/jwks.json', allowInsecureLoopback: true })).not.toThrow();
    expect(() => new JwtVerifier({ jwksUri: 'http://127.8.9.10/jwks.json', allowInsecureLoopback: true })).not.toThrow();
  });

  it('refuses an HMAC secret shorter than 32 bytes, naming `secret`', () => {
    const err = expectConfigError(() => new JwtVerifier({ secret: 'short-secret' }), 'secret');
    expect(err.option).toBe('secret');
    expectConfigError(() => new JwtVerifier({ secret: new Uint8Array(31) }), 'secret');
    expectConfigError(() => new JwtVerifier({ secret: 'x'.repeat(40), algorithms: ['HS512'] }), 'HS512');
  });

  it('requires exactly one key source', () => {
    expectConfigError(() => new JwtVerifier({}), 'one of jwksUri, publicKey or secret');
    expectConfigError(() => new JwtVerifier({ jwksUri: 'https://idp.example/jwks', secret: 'x'.repeat(32) }), 'mutually exclusive');
  });

  it('refuses a private key given as publicKey', () => {
    expectConfigError(() => new JwtVerifier({ publicKey: key.privateJwk }), 'private');
    expectConfigError(() => new JwtVerifier({ publicKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }), 'PRIVATE');
  });

  it('refuses an RSA public key shorter than 2048 bits at construction', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expectConfigError(() => new JwtVerifier({ publicKey: pem }), '2048');
    expectConfigError(() => new JwtVerifier({ publicKey: publicKey.export({ format: 'jwk' }) }), '2048');
  });

  it('refuses an empty audience or issuer list', () => {
    expectConfigError(() => new JwtVerifier({ secret: 'x'.repeat(32), audience: [] }), 'audience');
    expectConfigError(() => new JwtVerifier({ secret: 'x'.repeat(32), issuer: '' }), 'issuer');
  });
});
