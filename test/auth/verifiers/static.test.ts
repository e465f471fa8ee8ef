import { describe, expect, it } from 'vitest';
import { StaticTokenVerifier, type WarnLogger } from '../../../src/auth/verifiers/static.js';
import { expectAuthError, expectConfigError } from './helpers.js';

const TOKEN = 'dev-token-0123456789abcdef';
const tokens = { [TOKEN]: { sub: 'alice', clientId: 'cli', scopes: ['mcp:tools', 'read'] } };

function silent(): WarnLogger & { calls: Array<[Record<string, unknown>, string]> } {
  const calls: Array<[Record<string, unknown>, string]> = [];
  return { calls, warn: (obj, msg) => void calls.push([obj, msg]) };
}

describe('StaticTokenVerifier', () => {
  it('accepts a configured token and returns its principal', async () => {
    const v = new StaticTokenVerifier({ tokens, logger: silent(), env: {} });
    await expect(v.verify(TOKEN)).resolves.toMatchObject({
      kind: 'token',
      subject: 'alice',
      clientId: 'cli',
      scopes: ['mcp:tools', 'read'],
    });
    expect(v.checksAudience).toBe(true);
  });

  it('refuses near-miss guesses: prefix, suffix, case change, extra whitespace, empty', async () => {
    const v = new StaticTokenVerifier({ tokens, logger: silent(), env: {} });
    for (const guess of [TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), ` ${TOKEN}`, '', 'dev', `${TOKEN}\u0000`]) {
      await expectAuthError(v.verify(guess), 'inactive', { token: guess });
    }
  });

  it('refuses to start under NODE_ENV=production unless explicitly allowed', () => {
    expectConfigError(() => new StaticTokenVerifier({ tokens, logger: silent(), env: { NODE_ENV: 'production' } }), 'production');
    expect(
      () => new StaticTokenVerifier({ tokens, logger: silent(), env: { NODE_ENV: 'production' }, allowInProduction: true }),
    ).not.toThrow();
  });

  it('refuses to start under the real process NODE_ENV=production', () => {
    const prev = process.env['NODE_ENV'];
    process.env['NODE_ENV'] = 'production';
    try {
      expectConfigError(() => new StaticTokenVerifier({ tokens, logger: silent() }), 'production');
    } finally {
      if (prev === undefined) delete process.env['NODE_ENV'];
      else process.env['NODE_ENV'] = prev;
    }
  });

  it('warns on every construction, without printing any token', () => {
    const log = silent();
    new StaticTokenVerifier({ tokens, logger: log, env: {} });
    new StaticTokenVerifier({ tokens, logger: log, env: {} });
    expect(log.calls).toHaveLength(2);
    expect(log.calls[0]?.[1]).toMatch(/development only/);
    expect(JSON.stringify(log.calls)).not.toContain(TOKEN);
  });

  it('refuses an expired static token', async () => {
    const v = new StaticTokenVerifier({
      tokens: { [TOKEN]: { sub: 'a', expiresAt: Math.floor(Date.now() / 1000) - 1 } },
      logger: silent(),
      env: {},
    });
    await expectAuthError(v.verify(TOKEN), 'expired');
  });

  it('enforces required scopes with 403', async () => {
    const v = new StaticTokenVerifier({ tokens, requiredScopes: ['admin'], logger: silent(), env: {} });
    const err = await expectAuthError(v.verify(TOKEN), 'insufficient_scope', { status: 403 });
    expect(err.requiredScopes).toEqual(['admin']);
  });

  it('compares digests of every entry, so several tokens resolve to the right principal', async () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`token-number-${i}-abcdefgh`, { sub: `user-${i}` }]));
    const v = new StaticTokenVerifier({ tokens: many, logger: silent(), env: {} });
    await expect(v.verify('token-number-7-abcdefgh')).resolves.toMatchObject({ subject: 'user-7' });
    await expect(v.verify('token-number-19-abcdefgh')).resolves.toMatchObject({ subject: 'user-19' });
  });

  it('refuses empty configuration, empty tokens and missing sub', () => {
    expectConfigError(() => new StaticTokenVerifier({ tokens: {}, logger: silent(), env: {} }), 'at least one');
    expectConfigError(() => new StaticTokenVerifier({ tokens: { '': { sub: 'a' } }, logger: silent(), env: {} }), 'empty');
    expectConfigError(() => new StaticTokenVerifier({ tokens: { [TOKEN]: { sub: '' } }, logger: silent(), env: {} }), 'sub');
  });
});
