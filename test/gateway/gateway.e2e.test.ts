/**
 * The gateway against real upstreams: the MCP reference servers (everything, filesystem) over stdio
 * under bubblewrap, one of our own servers over Streamable HTTP, and a hostile fixture. A real MCP
 * client talks to the gateway with real JWTs.
 */
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { createGateway, type Gateway } from '../../src/gateway/index.js';
import { JwtVerifier } from '../../src/auth/verifiers/index.js';
import { generateKeyPair, mintToken, type TestKeyPair } from '../../src/testing/index.js';
import { createDemoRouter } from '../../src/demo/router.js';
import { createStore } from '../../src/storage/index.js';
import { freePort, startServer, type Started } from '../helpers/mcp.js';
import { capturingLogger, eventually, everythingEntry, FILESYSTEM, gatewayClient, ROOT, rogueEntry, textOf } from './helpers.js';
import { clearOfWindowEdge } from '../helpers/clock.js';

describe('gateway in front of real upstreams', () => {
  let keys: TestKeyPair;
  let ours: Started;
  let gateway: Gateway;
  let url: string;
  let aud: string;
  let alice: Client;
  let bob: Client;
  let files: string;
  const log = capturingLogger();
  const auditFile = join(mkdtempSync(join(tmpdir(), 'gw-audit-')), 'audit.log');

  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    ours = await startServer({ name: 'ours', version: '1', router: createDemoRouter() });
    files = mkdtempSync(join(ROOT, '.gw-files-'));
    writeFileSync(join(files, 'hello.txt'), 'hello from the filesystem server');
    const port = await freePort();
    aud = `http://127.0.0.1:${port}/mcp`;
    gateway = await createGateway({
      config: {
        mcpServers: {
          everything: everythingEntry(),
          filesystem: { command: process.execPath, args: [FILESYSTEM, files], cwd: ROOT, sandbox: { writableDir: files } },
          rogue: { ...rogueEntry(), callTimeoutMs: 1500 },
          ours: { url: `${ours.url}/mcp` },
        },
        pins: { trustOnFirstUse: true, relistIntervalSeconds: 0 },
        policies: [{ match: 'everything__*', scopes: ['everything'] }],
        rateLimits: [{ match: 'ours__whoami', perPrincipal: { points: 3, durationSeconds: 60 } }],
        audit: { file: auditFile },
      },
      auth: new JwtVerifier({ publicKey: keys.publicJwk, issuer: 'iss', audience: aud }),
      store: await createStore({ type: 'memory' }),
      logger: log.logger,
      http: { port },
      backoff: { initialMs: 200, maxMs: 1000 },
    });
    await gateway.start();
    url = (await gateway.listen()).url;
    const tokenA = await mintToken(keys, { sub: 'alice', aud, iss: 'iss', scope: 'everything' });
    const tokenB = await mintToken(keys, { sub: 'bob', aud, iss: 'iss' });
    alice = await gatewayClient(url, { authorization: `Bearer ${tokenA}` });
    bob = await gatewayClient(url, { authorization: `Bearer ${tokenB}` });
  }, 120_000);

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await gateway?.close();
    await ours?.close();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('exposes the namespaced union of stdio and HTTP upstreams, and calls go through', async () => {
    expect(gateway.upstreams().map((u) => [u.name, u.status])).toEqual([
      ['everything', 'ready'],
      ['filesystem', 'ready'],
      ['rogue', 'ready'],
      ['ours', 'ready'],
    ]);
    const names = (await alice.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['everything__echo', 'filesystem__read_text_file', 'rogue__forecast', 'ours__whoami']));
    expect(names.every((n) => /^(everything|filesystem|rogue|ours)__/.test(n))).toBe(true);

    expect(textOf(await alice.callTool({ name: 'everything__echo', arguments: { message: 'hi' } }))).toContain('hi');
    const read = await alice.callTool({ name: 'filesystem__read_text_file', arguments: { path: join(files, 'hello.txt') } });
    expect(textOf(read)).toContain('hello from the filesystem server');
    expect(textOf(await alice.callTool({ name: 'ours__whoami', arguments: {} }))).toContain('anonymous');
  });

  it('hides components a caller may not use, with the same error as a missing one', async () => {
    const names = (await bob.listTools()).tools.map((t) => t.name);
    expect(names.some((n) => n.startsWith('everything__'))).toBe(false);
    expect(names).toContain('rogue__forecast');
    const hidden = await bob.callTool({ name: 'everything__echo', arguments: { message: 'x' } }).then(
      () => 'no error',
      (e: Error) => e.message,
    );
    const missing = await bob.callTool({ name: 'everything__nosuch', arguments: { message: 'x' } }).then(
      () => 'no error',
      (e: Error) => e.message.replace('everything__nosuch', 'everything__echo'),
    );
    expect(hidden).toContain('not found');
    expect(hidden).toBe(missing);
  });

  it('masks secrets and marks injected instructions in tool output (warn mode)', async () => {
    const r = await alice.callTool({ name: 'rogue__read_page', arguments: { url: 'https://docs.example.com' } });
    const text = textOf(r);
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).not.toContain('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(text).toMatch(/REDACTED/);
    expect(text).toMatch(/mcp-bastion/i);
    expect(log.events().some((e) => e.event === 'output_guard')).toBe(true);
  });

  it('refuses a flood past the rate limit with a JSON-RPC error and stays up', async () => {
    await clearOfWindowEdge(60);
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      outcomes.push(
        await bob.callTool({ name: 'ours__whoami', arguments: {} }).then(
          () => 'ok',
          (e: Error & { code?: number }) => `error ${e.code}: ${e.message}`,
        ),
      );
    }
    expect(outcomes.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    expect(outcomes.slice(3).every((o) => o.startsWith('error -32029') && o.includes('Rate limit'))).toBe(true);
    // Another principal has its own budget, and the gateway still serves everything else.
    expect(textOf(await alice.callTool({ name: 'ours__whoami', arguments: {} }))).toContain('anonymous');
    expect(textOf(await bob.callTool({ name: 'rogue__forecast', arguments: { city: 'Oslo' } }))).toContain('Sunny');
  });

  it('quarantines a tool whose definition changes after connect (rug pull) until it is approved', async () => {
    await alice.callTool({ name: 'rogue__arm', arguments: {} });
    await eventually(
      async () => (await alice.listTools()).tools.map((t) => t.name),
      (names) => !names.includes('rogue__forecast'),
    );
    expect((await alice.listTools()).tools.map((t) => t.name)).not.toContain('rogue__forecast');
    const refused = await alice.callTool({ name: 'rogue__forecast', arguments: { city: 'Oslo' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/quarantined/);
    expect(textOf(refused)).toMatch(/description/);
    const pending = await gateway.pending();
    expect(pending.map((p) => [p.server, p.name, p.reason])).toContainEqual(['rogue', 'forecast', 'changed']);

    await gateway.approve('rogue__forecast', 'test');
    expect((await alice.listTools()).tools.map((t) => t.name)).toContain('rogue__forecast');
  });

  it('times out a hanging call; the other upstreams keep working', async () => {
    const r = await alice.callTool({ name: 'rogue__stall', arguments: {} });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/did not answer within 1500 ms/);
    expect(textOf(await alice.callTool({ name: 'everything__echo', arguments: { message: 'still here' } }))).toContain('still here');
  });

  it('marks a crashed upstream unavailable, keeps the others, and restarts it with backoff', async () => {
    await alice.callTool({ name: 'rogue__crash', arguments: {} });
    const down = await eventually(
      () => gateway.upstreams().find((u) => u.name === 'rogue')!,
      (u) => u.status !== 'ready' || u.restarts > 0,
    );
    expect(down.status === 'unavailable' || down.restarts > 0).toBe(true);
    expect(textOf(await alice.callTool({ name: 'everything__echo', arguments: { message: 'alive' } }))).toContain('alive');
    const back = await eventually(
      () => gateway.upstreams().find((u) => u.name === 'rogue')!,
      (u) => u.status === 'ready' && u.restarts > 0,
    );
    expect(back).toMatchObject({ status: 'ready' });
    expect(back.restarts).toBeGreaterThan(0);
    const names = (await alice.listTools()).tools.map((t) => t.name);
    expect(names).toContain('rogue__read_page');
  });

  it('writes one audit event per call, with no tokens and no argument values', async () => {
    const lines = readFileSync(auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(5);
    const decisions = new Set(lines.map((l) => l.decision));
    for (const d of ['allowed', 'denied', 'rate_limited', 'quarantined']) expect(decisions).toContain(d);
    const raw = readFileSync(auditFile, 'utf8');
    expect(raw).not.toContain('Bearer');
    expect(raw).not.toContain('Oslo');
    expect(raw).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(lines.find((l) => l.tool === 'rogue__read_page')).toMatchObject({ upstream: 'rogue', principal: { subject: 'alice' } });
  });
});
