/**
 * Two gateway instances over one real Redis: what one instance approves, the other serves without a
 * restart, and `total` / `perPrincipal` rate limits are one budget across both. Each instance has its
 * own Store connection and its own upstream process, as two deployed replicas would.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Client } from '@modelcontextprotocol/client';
import { createGateway, type Gateway, type GatewayConfigInput } from '../../src/gateway/index.js';
import { JwtVerifier } from '../../src/auth/verifiers/index.js';
import { generateKeyPair, mintToken, type TestKeyPair } from '../../src/testing/index.js';
import { createStore } from '../../src/storage/index.js';
import type { Store } from '../../src/storage/types.js';
import { freePort } from '../helpers/mcp.js';
import { capturingLogger, eventually, gatewayClient, namesOf, rogueEntry, textOf } from './helpers.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ISS = 'https://idp.test';

interface Instance {
  gateway: Gateway;
  store: Store;
  url: string;
  client(sub: string): Promise<Client>;
}

async function instance(keys: TestKeyPair, keyPrefix: string, config: GatewayConfigInput): Promise<Instance> {
  const port = await freePort();
  const aud = `http://127.0.0.1:${port}/mcp`;
  const store = await createStore({ type: 'redis', url: REDIS_URL, keyPrefix });
  const gateway = await createGateway({
    config,
    auth: new JwtVerifier({ publicKey: keys.publicJwk, issuer: ISS, audience: aud }),
    store,
    logger: capturingLogger().logger,
    http: { port },
  });
  await gateway.start();
  const url = (await gateway.listen()).url;
  return {
    gateway,
    store,
    url,
    client: async (sub) => gatewayClient(url, { authorization: `Bearer ${await mintToken(keys, { sub, aud, iss: ISS })}` }),
  };
}

describe('two gateway instances sharing one Redis', () => {
  const keyPrefix = `mcp-bastion-test:gw-multi:${randomUUID()}:`;
  // A day-long window: the clock-aligned window cannot roll over in the middle of the test.
  const day = 86_400;
  const config: GatewayConfigInput = {
    mcpServers: { rogue: rogueEntry() },
    pins: { trustOnFirstUse: false, relistIntervalSeconds: 0 },
    rateLimits: [
      { match: 'rogue__forecast', perPrincipal: { points: 2, durationSeconds: day }, total: { points: 3, durationSeconds: day } },
    ],
  };
  let keys: TestKeyPair;
  let a: Instance;
  let b: Instance;
  const clients: Client[] = [];
  const connect = async (i: Instance, sub: string) => {
    const c = await i.client(sub);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    [a, b] = await Promise.all([instance(keys, keyPrefix, config), instance(keys, keyPrefix, config)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await a?.gateway.close();
    await b?.gateway.close();
    await a?.store.close();
    await b?.store.close();
    const redis = new Redis(REDIS_URL);
    const keysLeft = await redis.keys(`${keyPrefix}*`);
    if (keysLeft.length > 0) await redis.del(...keysLeft);
    await redis.quit();
  });

  it('quarantines every new tool on both instances (no trust on first use)', async () => {
    for (const i of [a, b]) {
      expect(i.gateway.upstreams()[0]).toMatchObject({ name: 'rogue', status: 'ready' });
      expect((await namesOf(await connect(i, 'alice'))).filter((n) => n.startsWith('rogue__'))).toEqual([]);
    }
    const pending = await b.gateway.pending();
    expect(pending.filter((p) => p.server === 'rogue' && p.reason === 'new').map((p) => p.name)).toEqual(
      expect.arrayContaining(['forecast', 'read_page', 'arm']),
    );
    const refused = await (await connect(b, 'alice')).callTool({ name: 'rogue__forecast', arguments: { city: 'Oslo' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/quarantined by mcp-bastion \(new\)/);
  });

  it('serves a tool approved on instance A from instance B without a restart, and only that tool', async () => {
    await a.gateway.approve('rogue__forecast', 'reviewer');
    const onB = await connect(b, 'dave');
    const names = await eventually(
      () => namesOf(onB),
      (n) => n.includes('rogue__forecast'),
    );
    expect(names).toContain('rogue__forecast');
    expect(names).not.toContain('rogue__read_page');
    expect(names).not.toContain('rogue__arm');
    expect(textOf(await onB.callTool({ name: 'rogue__forecast', arguments: { city: 'Bergen' } }))).toBe('Sunny in Bergen');
    expect((await b.gateway.pending()).some((p) => p.name === 'forecast')).toBe(false);
    // B re-read the Store; its upstream was never restarted.
    expect(b.gateway.upstreams()[0]!.restarts).toBe(0);
  });

  it('counts per-principal and total rate limits once across both instances', async () => {
    const call = async (i: Instance, sub: string) =>
      (await connect(i, sub)).callTool({ name: 'rogue__forecast', arguments: { city: 'Oslo' } }).then(
        (r) => textOf(r),
        (e: Error & { code?: number }) => `error ${e.code}`,
      );
    // dave already spent 1 call (on B) in the previous test; total: 1 of 3 used.
    expect(await call(a, 'alice')).toBe('Sunny in Oslo'); // alice 1, total 2
    expect(await call(b, 'alice')).toBe('Sunny in Oslo'); // alice 2, total 3
    expect(await call(a, 'alice')).toBe('error -32029'); // alice over her own limit, on A
    expect(await call(b, 'alice')).toBe('error -32029'); // ... and on B
    expect(await call(a, 'erin')).toBe('error -32029'); // erin has budget, but the total is spent
    expect(await call(b, 'frank')).toBe('error -32029');
  });
});
