/**
 * Per-upstream publisher keys: the gateway uses only definitions the publisher signed. Our own
 * server signs its registry at start and serves the JWS at /.well-known/mcp-manifest.jws.
 */
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/gateway/index.js';
import { createStore } from '../../src/storage/index.js';
import { createDemoRouter } from '../../src/demo/router.js';
import { startServer, type Started } from '../helpers/mcp.js';
import { capturingLogger, gatewayClient, textOf } from './helpers.js';

describe('gateway: publisher signatures', () => {
  let ours: Started;
  let publisherPublic: string;
  let otherPublic: string;
  const gateways: Gateway[] = [];

  beforeAll(async () => {
    const publisher = await generateKeyPair('EdDSA', { extractable: true });
    const other = await generateKeyPair('EdDSA', { extractable: true });
    publisherPublic = await exportSPKI(publisher.publicKey);
    otherPublic = await exportSPKI(other.publicKey);
    ours = await startServer({
      name: 'ours',
      version: '1',
      router: createDemoRouter(),
      signing: { key: await exportPKCS8(publisher.privateKey) },
    });
  });

  afterAll(async () => {
    for (const g of gateways) await g.close();
    await ours?.close();
  });

  async function gatewayWith(publisherKey: string) {
    const log = capturingLogger();
    const g = await createGateway({
      config: {
        mcpServers: { ours: { url: `${ours.url}/mcp`, publisherKey } },
        pins: { trustOnFirstUse: true, relistIntervalSeconds: 0 },
      },
      store: await createStore({ type: 'memory' }),
      logger: log.logger,
      http: { port: 0 },
    });
    gateways.push(g);
    await g.start();
    return { g, url: (await g.listen()).url, log };
  }

  it('our server publishes its signed manifest without authentication', async () => {
    const res = await fetch(`${ours.url}/.well-known/mcp-manifest.jws`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/jose');
    expect((await res.text()).split('.')).toHaveLength(3);
  });

  it('with the right publisher key, the signed tools are usable', async () => {
    const { url } = await gatewayWith(publisherPublic);
    const client = await gatewayClient(url);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['ours__whoami', 'ours__notes_list']));
    expect(textOf(await client.callTool({ name: 'ours__whoami', arguments: {} }))).toContain('anonymous');
    await client.close();
  });

  it('a signature by another key covers nothing: every tool is quarantined as unsigned, even on first use', async () => {
    const { g, url } = await gatewayWith(otherPublic);
    const client = await gatewayClient(url);
    expect((await client.listTools()).tools).toEqual([]);
    const r = await client.callTool({ name: 'ours__whoami', arguments: {} });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/quarantined.*unsigned.*publisher signature/);
    const pending = await g.pending();
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((p) => p.reason === 'unsigned')).toBe(true);
    await client.close();
  });
});
