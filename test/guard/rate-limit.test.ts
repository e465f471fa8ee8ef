import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createRateLimiter, principalKey, RATE_LIMITED_CODE, rateLimitPolicy, rateLimitResponse } from '../../src/guard/rate-limit.js';
import type { Store } from '../../src/storage/types.js';
import { makeBackend, type Backend } from '../storage/helpers.js';

const backends: Backend[] = [];
const stores: Store[] = [];
async function open(name: 'memory' | 'redis', backend?: Backend): Promise<{ store: Store; backend: Backend }> {
  const b = backend ?? makeBackend(name);
  if (!backend) backends.push(b);
  const store = await b.open();
  stores.push(store);
  return { store, backend: b };
}

afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
  for (const b of backends) await b.cleanup();
});

// Window starts are aligned to the clock; pin the clock to one so no test straddles a boundary.
function pinClock(seconds = 60): number {
  vi.useFakeTimers({ toFake: ['Date'] });
  const start = Math.ceil(Date.now() / (seconds * 1000)) * seconds * 1000;
  vi.setSystemTime(start);
  return start;
}

for (const name of ['memory', 'redis'] as const) {
  describe(`createRateLimiter on ${name}`, () => {
    it('allows `points` calls per window, then refuses with the time until the window ends', async () => {
      const start = pinClock(60);
      const { store } = await open(name);
      const limiter = createRateLimiter(store, { points: 3, durationSeconds: 60, keyPrefix: 't1' });
      expect(await limiter.consume('alice')).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
      expect((await limiter.consume('alice')).remaining).toBe(1);
      expect(await limiter.consume('alice')).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 60 });
      vi.setSystemTime(start + 15_000);
      expect(await limiter.consume('alice')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 45 });
      // Another key has its own budget.
      expect((await limiter.consume('bob')).allowed).toBe(true);
    });

    it('resets when the window ends, also for a key the process had blocked in memory', async () => {
      const start = pinClock(10);
      const { store } = await open(name);
      const limiter = createRateLimiter(store, { points: 2, durationSeconds: 10, keyPrefix: 't2' });
      for (let i = 0; i < 5; i++) await limiter.consume('k');
      expect((await limiter.consume('k')).allowed).toBe(false);
      vi.setSystemTime(start + 10_000);
      expect(await limiter.consume('k')).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    });

    it('counts concurrent calls exactly (no lost updates)', async () => {
      pinClock(60);
      const { store } = await open(name);
      const limiter = createRateLimiter(store, { points: 10, durationSeconds: 60, keyPrefix: 't3' });
      const results = await Promise.all(Array.from({ length: 40 }, () => limiter.consume('flood')));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
    });

    it('handles hostile keys: long subjects and separator characters do not collide', async () => {
      pinClock(60);
      const { store } = await open(name);
      const limiter = createRateLimiter(store, { points: 1, durationSeconds: 60, keyPrefix: 't4' });
      const long = 'x'.repeat(5000);
      expect((await limiter.consume(long)).allowed).toBe(true);
      expect((await limiter.consume(long)).allowed).toBe(false);
      expect((await limiter.consume(long + 'y')).allowed).toBe(true);
      const a = principalKey({ kind: 'token', subject: 'b|c', claims: { iss: 'a' } });
      const b = principalKey({ kind: 'token', subject: 'c', claims: { iss: 'a|b' } });
      expect(a).not.toBe(b);
      expect((await limiter.consume(a)).allowed).toBe(true);
      expect((await limiter.consume(b)).allowed).toBe(true);
    });
  });
}

describe('rate limits over one Redis are global', () => {
  it('two limiter instances on two connections share one count', async () => {
    pinClock(60);
    const first = await open('redis');
    const second = await open('redis', first.backend);
    const a = createRateLimiter(first.store, { points: 3, durationSeconds: 60, keyPrefix: 'shared' });
    const b = createRateLimiter(second.store, { points: 3, durationSeconds: 60, keyPrefix: 'shared' });
    expect((await a.consume('alice')).allowed).toBe(true);
    expect((await b.consume('alice')).allowed).toBe(true);
    expect((await a.consume('alice')).remaining).toBe(0);
    expect((await b.consume('alice')).allowed).toBe(false);
    const flood = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).consume('carol')));
    expect(flood.filter((r) => r.allowed)).toHaveLength(3);
  });

  it('keeps limiting from process memory when the store fails, instead of failing open', async () => {
    pinClock(60);
    const { store } = await open('redis');
    const limiter = createRateLimiter(store, { points: 2, durationSeconds: 60, keyPrefix: 'insured' });
    await store.close();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.consume('mallory'));
    expect(results.map((r) => r.allowed)).toEqual([true, true, false, false]);
  });
});

describe('rateLimitPolicy', () => {
  it('applies the first matching glob, per principal and in total', async () => {
    pinClock(60);
    const { store } = await open('memory');
    const policy = rateLimitPolicy(
      [
        { match: 'github__delete_*', perPrincipal: { points: 1, durationSeconds: 60 } },
        { match: 'github__*', perPrincipal: { points: 2, durationSeconds: 60 }, total: { points: 3, durationSeconds: 60 } },
      ],
      store,
    );
    const alice = principalKey({ kind: 'token', subject: 'alice', claims: {} });
    const bob = principalKey({ kind: 'token', subject: 'bob', claims: {} });
    expect((await policy.consume({ tool: 'github__delete_repo', principal: alice })).allowed).toBe(true);
    expect(await policy.consume({ tool: 'github__delete_repo', principal: alice })).toMatchObject({
      allowed: false,
      rule: 'github__delete_*',
      limit: 'perPrincipal',
    });
    // The per-principal budget covers every tool the rule matches.
    expect((await policy.consume({ tool: 'github__list', principal: alice })).allowed).toBe(true);
    expect((await policy.consume({ tool: 'github__search', principal: alice })).allowed).toBe(true);
    expect(await policy.consume({ tool: 'github__list', principal: alice })).toMatchObject({ allowed: false, limit: 'perPrincipal' });
    // Alice's refused call did not use the shared budget: bob gets the one left, then the total is spent.
    expect((await policy.consume({ tool: 'github__list', principal: bob })).allowed).toBe(true);
    expect(await policy.consume({ tool: 'github__list', principal: bob })).toMatchObject({ allowed: false, limit: 'total' });
    // Unmatched tools are not limited; `.` in a glob is literal.
    expect((await policy.consume({ tool: 'fs__read', principal: alice })).allowed).toBe(true);
    expect((await policy.consume({ tool: 'githubX_list', principal: alice })).rule).toBeUndefined();
  });

  it('eachTool gives every matched tool its own budget; reordered rules keep their counters', async () => {
    pinClock(60);
    const { store } = await open('memory');
    const rules = [
      { match: 'fs__*', perPrincipal: { points: 1, durationSeconds: 60 }, eachTool: true },
      { match: 'db__*', total: { points: 100, durationSeconds: 60 } },
    ];
    const policy = rateLimitPolicy(rules, store, { keyPrefix: 'gw' });
    expect((await policy.consume({ tool: 'fs__read', principal: 'p' })).allowed).toBe(true);
    expect((await policy.consume({ tool: 'fs__write', principal: 'p' })).allowed).toBe(true);
    expect((await policy.consume({ tool: 'fs__read', principal: 'p' })).allowed).toBe(false);
    const reordered = rateLimitPolicy([rules[1]!, rules[0]!], store, { keyPrefix: 'gw' });
    expect((await reordered.consume({ tool: 'fs__write', principal: 'p' })).allowed).toBe(false);
    // Another policy prefix over the same store counts separately.
    expect((await rateLimitPolicy(rules, store, { keyPrefix: 'mcp' }).consume({ tool: 'fs__read', principal: 'p' })).allowed).toBe(true);
  });

  it('names the option at fault in config errors', async () => {
    const { store } = await open('memory');
    const bad: Array<[unknown, string]> = [
      [[{ match: '', perPrincipal: { points: 1, durationSeconds: 1 } }], 'rateLimits[0].match'],
      [[{ match: 'a', perPrincipal: { points: 0, durationSeconds: 1 } }], 'rateLimits[0].perPrincipal.points'],
      [[{ match: 'a', total: { points: 1, durationSeconds: -1 } }], 'rateLimits[0].total.durationSeconds'],
      [[{ match: 'a' }], 'rateLimits[0]'],
      [[{ match: 'a', perPrincipal: { points: 1, durationSeconds: 1 }, perUser: {} }], 'rateLimits[0].perUser'],
    ];
    for (const [rules, option] of bad) {
      let caught: unknown;
      try {
        rateLimitPolicy(rules as never, store);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).option).toBe(option);
    }
  });
});

describe('rateLimitResponse', () => {
  it('is a 429 with Retry-After and a JSON-RPC error', async () => {
    const res = rateLimitResponse(12.2, 7);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('13');
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: RATE_LIMITED_CODE, message: 'Rate limit exceeded; retry after 13 s', data: { retryAfterSeconds: 13 } },
    });
    expect(RATE_LIMITED_CODE).toBe(-32029);
    expect(rateLimitResponse(0).headers.get('retry-after')).toBe('1');
  });
});
