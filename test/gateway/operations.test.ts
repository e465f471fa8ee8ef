/**
 * Upstreams that fail at start: one that never answers the handshake, one whose command does not
 * exist, one that writes garbage and exits. The gateway must start anyway, mark each unavailable with
 * its reason, kill the hung process instead of leaking it, and keep serving the healthy upstream.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { createGateway, type Gateway } from '../../src/gateway/index.js';
import { createStore } from '../../src/storage/index.js';
import { capturingLogger, eventually, gatewayClient, namesOf, rogueEntry, textOf } from './helpers.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('upstreams that fail at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-ops-'));
  const pidFile = join(dir, 'hung.pid');
  const log = capturingLogger();
  let gateway: Gateway;
  let client: Client;

  beforeAll(async () => {
    gateway = await createGateway({
      config: {
        mcpServers: {
          good: rogueEntry(),
          hung: {
            command: process.execPath,
            args: ['-e', 'require("fs").writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1e6)', pidFile],
            sandbox: false,
            startupTimeoutMs: 800,
          },
          missing: { command: join(dir, 'no-such-server'), sandbox: false },
          garbage: {
            command: process.execPath,
            args: [
              '-e',
              'process.stdout.write("this is not JSON-RPC\\n{\\"jsonrpc\\":\\"2.0\\",\\"id\\":\\"x\\"\\n"); setTimeout(() => process.exit(7), 100)',
            ],
            sandbox: false,
            startupTimeoutMs: 5_000,
          },
        },
        pins: { trustOnFirstUse: true, relistIntervalSeconds: 0 },
      },
      store: await createStore({ type: 'memory' }),
      logger: log.logger,
      http: { port: 0 },
      // No restart during the test: each failure is seen once.
      backoff: { initialMs: 600_000, maxMs: 600_000 },
    });
    await gateway.start();
    client = await gatewayClient((await gateway.listen()).url);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
  });

  const status = (name: string) => gateway.upstreams().find((u) => u.name === name)!;

  it('starts, and marks each failing upstream unavailable with its reason', () => {
    expect(status('good').status).toBe('ready');
    expect(status('hung')).toMatchObject({ status: 'unavailable' });
    expect(status('hung').reason).toMatch(/no answer within 800 ms|timed out/);
    expect(status('missing').status).toBe('unavailable');
    expect(status('missing').reason).toMatch(/no-such-server ENOENT/);
    expect(status('garbage').status).toBe('unavailable');
    expect(status('garbage').reason).toMatch(/process exited with code 7/);
    expect(
      log
        .events()
        .filter((e) => e.event === 'upstream_unavailable')
        .map((e) => e.server),
    ).toEqual(expect.arrayContaining(['hung', 'missing', 'garbage']));
  });

  it('kills the upstream that hung in the handshake instead of leaving it running', async () => {
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(
      await eventually(
        () => alive(pid),
        (a) => !a,
      ),
    ).toBe(false);
  });

  it('serves the healthy upstream and nothing of the failed ones', async () => {
    const names = await namesOf(client);
    expect(names).toContain('good__forecast');
    expect(names.every((n) => n.startsWith('good__'))).toBe(true);
    expect(textOf(await client.callTool({ name: 'good__forecast', arguments: { city: 'Oslo' } }))).toBe('Sunny in Oslo');
    const down = await client.callTool({ name: 'hung__anything', arguments: {} }).then(
      () => 'no error',
      (e: Error) => e.message,
    );
    expect(down).toMatch(/not found/);
  });
});
