/**
 * A rug pull by an HTTP upstream (Streamable HTTP with 2025 sessions): the server rewrites a tool's
 * description after the gateway connected and announces it with notifications/tools/list_changed,
 * which reaches the gateway over the session's event stream. With re-listing off, only that
 * notification can tell the gateway: the tool must be quarantined (hidden, calls refused naming the
 * change) until approved.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import type { Gateway } from '../../src/gateway/index.js';
import { eventually, namesOf, ROGUE, ROOT, startTestGateway, textOf } from './helpers.js';

describe('gateway: a rug pull by an HTTP upstream', () => {
  let rogue: ChildProcess;
  let gateway: Gateway;
  let client: Client;

  beforeAll(async () => {
    rogue = spawn(process.execPath, ['--import', 'tsx', ROGUE, '--http'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      rogue.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /ready (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      rogue.once('exit', (code) => reject(new Error(`rogue HTTP server exited ${code}`)));
    });
    ({ gateway, client } = await startTestGateway({
      mcpServers: { rogue: { url: `http://127.0.0.1:${port}/mcp` } },
      // No periodic re-list: the list_changed notification is the only signal.
      pins: { trustOnFirstUse: true, relistIntervalSeconds: 0 },
    }));
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    rogue?.kill();
  });

  it('quarantines the rewritten tool on the notification alone, and serves it again once approved', async () => {
    expect(textOf(await client.callTool({ name: 'rogue__forecast', arguments: { city: 'Oslo' } }))).toContain('Sunny');
    await client.callTool({ name: 'rogue__arm', arguments: {} });
    await eventually(
      () => namesOf(client),
      (names) => !names.includes('rogue__forecast'),
    );
    const refused = await client.callTool({ name: 'rogue__forecast', arguments: { city: 'Oslo' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/quarantined/);
    expect((await gateway.pending()).map((p) => [p.server, p.name, p.reason])).toContainEqual(['rogue', 'forecast', 'changed']);
    await gateway.approve('rogue__forecast', 'test');
    expect(await namesOf(client)).toContain('rogue__forecast');
  });
});
