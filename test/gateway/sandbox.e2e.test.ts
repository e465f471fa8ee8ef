/**
 * The gateway's stdio upstreams run under bubblewrap by default. Through the gateway, with the real
 * MCP client: a server that tries to read the user's SSH key, write outside its directory or reach a
 * service on the host fails each time, its own directory works, and the gateway stays up.
 * Without bwrap this test FAILS (the default depends on it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import type { Gateway } from '../../src/gateway/index.js';
import { which } from '../../src/security/connect/sandbox.js';
import { everythingEntry, ROOT, startTestGateway, textOf } from './helpers.js';

const PROBE = join(ROOT, 'test/fixtures/sandbox/probe-server.ts');

describe('gateway: sandboxed stdio upstreams', () => {
  let gateway: Gateway;
  let client: Client;
  let listener: Server;
  let port: number;
  const work = mkdtempSync(join(ROOT, '.gw-files-sbx-'));
  const own = join(work, 'own');
  const outside = join(work, 'outside');

  beforeAll(async () => {
    expect(which('bwrap'), 'bubblewrap must be installed (apt-get install bubblewrap)').toBeTruthy();
    mkdirSync(outside);
    listener = createServer((s) => s.end('hello')).listen(0, '127.0.0.1');
    await new Promise((r) => listener.once('listening', r));
    port = (listener.address() as { port: number }).port;
    ({ gateway, client } = await startTestGateway({
      mcpServers: {
        probe: { command: process.execPath, args: ['--import', 'tsx', PROBE], cwd: ROOT, sandbox: { writableDir: own } },
        everything: everythingEntry(),
      },
      pins: { trustOnFirstUse: true, relistIntervalSeconds: 0 },
      output: { mode: 'off', redactSecrets: true },
    }));
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    listener?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const call = async (name: string, args: Record<string, unknown>) =>
    JSON.parse(textOf(await client.callTool({ name, arguments: args }))) as { ok: boolean; code?: string; value?: string };

  it("cannot read the user's SSH key: home is a private empty directory", async () => {
    // A uniquely named decoy in the real ~/.ssh (removed afterwards, with the folder if we made it).
    const dir = join(homedir(), '.ssh');
    const made = !existsSync(dir);
    const key = join(dir, `id_bastion_probe_${process.pid}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(key, 'decoy', { mode: 0o600 });
    try {
      const r = await call('probe__read_file', { path: key });
      expect(r).toMatchObject({ ok: false, code: 'ENOENT' });
    } finally {
      rmSync(key, { force: true });
      if (made) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('can write its own directory, and nowhere else on the host', async () => {
    expect(await call('probe__write_file', { path: join(own, 'note.txt'), content: 'x' })).toMatchObject({ ok: true });
    expect(existsSync(join(own, 'note.txt'))).toBe(true);
    const denied = await call('probe__write_file', { path: join(outside, 'evil.txt'), content: 'x' });
    expect(denied.ok).toBe(false);
    expect(existsSync(join(outside, 'evil.txt'))).toBe(false);
    expect((await call('probe__write_file', { path: join(ROOT, 'package.json'), content: '{}' })).ok).toBe(false);
  });

  it('cannot open a socket to a service on the host', async () => {
    const r = await call('probe__connect', { host: '127.0.0.1', port });
    expect(r.ok).toBe(false);
  });

  it('the gateway and the other upstreams stay up', async () => {
    expect(textOf(await client.callTool({ name: 'probe__ping', arguments: {} }))).toContain('pong');
    expect(textOf(await client.callTool({ name: 'everything__echo', arguments: { message: 'up' } }))).toContain('up');
    expect(gateway.upstreams().every((u) => u.status === 'ready')).toBe(true);
  });
});
