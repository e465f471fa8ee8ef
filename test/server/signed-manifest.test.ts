import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoRouter } from '../../src/demo/router.js';
import { createLogger } from '../../src/log.js';
import { createMcpServer, type McpBastionServer } from '../../src/server/create.js';
import { InMemoryTransport, Server as McpProtocolServer } from '@modelcontextprotocol/server';
import { createSignedManifest, MANIFEST_PATH, manifestResponse, withManifestMeta } from '../../src/server/signed-manifest.js';
import { checkSignedDefinitions, verifyManifest, type ScannedServer } from '../../src/security/index.js';
import { runScan } from '../../src/security/run/scan-run.js';
import { freePort } from '../helpers/mcp.js';

const publisher = generateKeyPairSync('ed25519');
const publicPem = publisher.publicKey.export({ format: 'pem', type: 'spki' }) as string;

/** Our server with its signed manifest served beside /mcp, as the lead's wiring will do. */
async function start(jwsFor: (s: McpBastionServer) => Promise<string>) {
  // The bastion's Host allow-list is derived from its port, so our listener takes that port.
  const port = await freePort();
  const bastion = createMcpServer({
    name: 'demo',
    version: '0.1.0',
    router: createDemoRouter(),
    logger: createLogger({ level: 'silent' }),
    http: { port },
  });
  const jws = await jwsFor(bastion);
  const http: Server = createServer(
    getRequestListener((req) => (new URL(req.url).pathname === MANIFEST_PATH ? manifestResponse(jws) : bastion.fetch(req))),
  );
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${port}`, jws, close: () => new Promise<void>((r) => http.close(() => r())) };
}

async function listAll(url: string): Promise<ScannedServer> {
  const client = new Client({ name: 'sig-test', version: '1' }, { supportedProtocolVersions: ['2025-11-25'] });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  try {
    return {
      name: 'demo',
      tools: (await client.listTools()).tools as ScannedServer['tools'],
      prompts: (await client.listPrompts()).prompts as ScannedServer['prompts'],
      resources: (await client.listResources()).resources as ScannedServer['resources'],
      resourceTemplates: (await client.listResourceTemplates()).resourceTemplates as ScannedServer['resourceTemplates'],
    };
  } finally {
    await client.close();
  }
}

describe('createSignedManifest + manifestResponse', () => {
  let srv: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    srv = await start((b) => createSignedManifest(b.registry, { key: publisher.privateKey, name: 'demo', version: '0.1.0' }));
  });
  afterAll(() => srv.close());

  it('the signature covers exactly what a real MCP client is offered', async () => {
    const live = await listAll(srv.url);
    expect(live.tools.length).toBeGreaterThan(2);
    const v = await verifyManifest(srv.jws, publicPem, { server: 'demo' });
    expect(v.problems).toEqual([]);
    expect(v.server).toEqual({ name: 'demo', version: '0.1.0' });
    const c = checkSignedDefinitions(live, v);
    expect(c.entries.filter((e) => e.status !== 'covered')).toEqual([]);
    expect(c.missing).toEqual([]);
    expect(c.ok).toBe(true);
  });

  it('serves the JWS at /.well-known/mcp-manifest.jws as application/jose', async () => {
    const res = await fetch(`${srv.url}${MANIFEST_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/jose');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(srv.jws);
  });

  it('scan --url --require-signature fetches the published manifest: clean with the right key, findings with another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bastion-sigscan-'));
    writeFileSync(join(dir, 'pub.pem'), publicPem);
    writeFileSync(join(dir, 'other.pem'), generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }));
    const run = async (key: string) => {
      let out = '';
      const code = await runScan(
        {
          configs: [],
          urls: [`${srv.url}/mcp`],
          headers: [],
          toolsFiles: [],
          yes: false,
          sandbox: true,
          sandboxNet: false,
          timeoutMs: 10_000,
          concurrency: 1,
          cwd: dir,
          json: true,
          failOn: 'high',
          ignore: [],
          updatePins: false,
          signatures: { key },
        },
        { stdout: (s) => (out += s), stderr: () => undefined },
      );
      return { code, findings: (JSON.parse(out) as { findings: { code: string; entity: { name: string } }[] }).findings };
    };
    const good = await run('pub.pem');
    expect(good.findings.filter((f) => f.code.startsWith('SG'))).toEqual([]);
    const bad = await run('other.pem');
    expect(bad.code).toBe(1);
    expect(bad.findings.some((f) => f.code === 'SG003')).toBe(true);
    expect(bad.findings.some((f) => f.code === 'SG001' && f.entity.name === 'notes_add')).toBe(true);
  });
});

describe('a server that publishes no manifest', () => {
  it('scan --require-signature reports SG003 naming the 404; a missing key file is a usage error', async () => {
    const bastion = createMcpServer({
      name: 'demo',
      version: '0.1.0',
      router: createDemoRouter(),
      logger: createLogger({ level: 'silent' }),
      http: { port: 0 },
    });
    const running = await bastion.listen();
    const dir = mkdtempSync(join(tmpdir(), 'bastion-nosig-'));
    writeFileSync(join(dir, 'pub.pem'), publicPem);
    const run = async (key: string) => {
      let out = '';
      let err = '';
      const code = await runScan(
        {
          configs: [],
          urls: [`${running.url}/mcp`],
          headers: [],
          toolsFiles: [],
          yes: false,
          sandbox: true,
          sandboxNet: false,
          timeoutMs: 10_000,
          concurrency: 1,
          cwd: dir,
          json: true,
          failOn: 'high',
          ignore: [],
          updatePins: false,
          signatures: { key },
        },
        { stdout: (s) => (out += s), stderr: (s) => (err += s) },
      );
      return { code, out, err };
    };
    try {
      const r = await run('pub.pem');
      expect(r.code).toBe(1);
      const sg3 = (JSON.parse(r.out) as { findings: { code: string; evidence: string }[] }).findings.find((f) => f.code === 'SG003');
      expect(sg3?.evidence).toContain('answered 404');
      const missing = await run('absent.pem');
      expect(missing.code).toBe(2);
      expect(missing.err).toContain('--key: cannot read');
    } finally {
      await bastion.close();
    }
  });
});

describe('withManifestMeta: the manifest in the handshake', () => {
  async function exchange(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const server = withManifestMeta(
      new McpProtocolServer({ name: 'demo', version: '0.1.0' }, { capabilities: { tools: {} } }),
      'header.payload.sig',
    );
    const [client, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const reply = new Promise<Record<string, unknown>>((resolve) => {
      client.onmessage = (m) => resolve(m as Record<string, unknown>);
    });
    await client.start();
    await client.send({ jsonrpc: '2.0', id: 1, ...message } as never);
    const r = await reply;
    await server.close();
    return r;
  }

  it('adds _meta to the initialize result and keeps the SDK negotiation', async () => {
    const r = await exchange({
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
    });
    expect(r.result).toMatchObject({
      protocolVersion: '2025-06-18',
      serverInfo: { name: 'demo', version: '0.1.0' },
      _meta: { 'mcp-bastion/signed-manifest': { jws: 'header.payload.sig', url: MANIFEST_PATH } },
    });
  });
});
