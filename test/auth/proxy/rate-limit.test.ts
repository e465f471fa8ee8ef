import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness.js';

const register = (stack: Stack, headers: Record<string, string> = {}) =>
  fetch(`${stack.base}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:53682/callback'] }),
  });

describe('rate limits on the public endpoints (a flood of registrations cannot grow the store without bound)', () => {
  let direct: Stack;
  let proxied: Stack;
  beforeAll(async () => {
    direct = await startStack({ proxy: { rateLimits: { register: 3 } } });
    proxied = await startStack({ proxy: { rateLimits: { register: 2 } }, trustProxy: 1 });
  });
  afterAll(async () => {
    await direct.close();
    await proxied.close();
  });

  it('answers 429 with Retry-After once one address is over its budget', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await register(direct)).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    const res = await register(direct);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('ignores a spoofed X-Forwarded-For unless trustProxy says a proxy of ours set it', async () => {
    // `direct` trusts no proxy: rotating the header does not buy new budget.
    expect((await register(direct, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(429);
  });

  it('behind one trusted proxy, keys on the address that proxy appended', async () => {
    const from = (ip: string) => register(proxied, { 'x-forwarded-for': `198.51.100.77, ${ip}` });
    expect([(await from('192.0.2.1')).status, (await from('192.0.2.1')).status, (await from('192.0.2.1')).status]).toEqual([201, 201, 429]);
    expect((await from('192.0.2.2')).status).toBe(201);
  });
});
