/**
 * The `mcp-bastion gateway` commands as an operator runs them (the built CLI, `node dist/cli/main.js`;
 * `npm run build` first), against a gateway running in this process over the same file store:
 * `pending` and `approve` act on the running gateway, config errors exit 2 naming the field,
 * `audit` summarizes the trail, and `gateway --stdio` serves the real MCP client.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { createGateway, loadGatewayConfig, type Gateway, type PendingRecord } from '../../src/gateway/index.js';
import { capturingLogger, eventually, gatewayClient, namesOf, ROOT, rogueEntry, textOf, twinEntry } from './helpers.js';

const CLI = join(ROOT, 'dist/cli/main.js');
const exec = promisify(execFile);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; resolves with its exit code and output instead of throwing on a non-zero exit. */
async function cli(args: string[], cwd: string): Promise<Run> {
  const env = { ...process.env, MCP_BASTION_AUTH: '' };
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { cwd, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('mcp-bastion gateway (CLI) over a file store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-cli-'));
  const cfg = join(dir, 'cfg.json');
  const auditLog = join(dir, 'audit.log');
  let gateway: Gateway;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    writeFileSync(
      cfg,
      JSON.stringify({
        mcpServers: { rogue: rogueEntry() },
        storage: { type: 'file', path: join(dir, 'store') },
        pins: { relistIntervalSeconds: 0 },
        audit: { file: auditLog },
      }),
    );
    gateway = await createGateway({ config: loadGatewayConfig(cfg), logger: capturingLogger().logger, http: { port: 0 } });
    await gateway.start();
    url = (await gateway.listen()).url;
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('`pending --json` lists what the running gateway quarantined', async () => {
    const r = await cli(['gateway', 'pending', '--config', cfg, '--json'], dir);
    expect(r.code).toBe(0);
    const pending = JSON.parse(r.stdout) as PendingRecord[];
    expect(pending.map((p) => [p.server, p.kind, p.name, p.reason])).toEqual(
      expect.arrayContaining([
        ['rogue', 'tool', 'forecast', 'new'],
        ['rogue', 'tool', 'read_page', 'new'],
      ]),
    );
    expect(pending.find((p) => p.name === 'forecast')!.definition).toMatchObject({
      description: 'Returns the weather forecast for a city.',
    });
  });

  it('`approve` re-pins one tool, and the running gateway serves it at once', async () => {
    const client = await gatewayClient(url);
    expect(await namesOf(client)).not.toContain('rogue__forecast');
    const r = await cli(['gateway', 'approve', 'rogue__forecast', '--config', cfg, '--by', 'ops'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^approved rogue__forecast \(new: /);
    const names = await namesOf(client);
    expect(names).toContain('rogue__forecast');
    expect(names).not.toContain('rogue__read_page');
    expect(textOf(await client.callTool({ name: 'rogue__forecast', arguments: { city: 'Oslo' } }))).toBe('Sunny in Oslo');
    // Still quarantined: a call is refused, and the audit trail records it.
    expect((await client.callTool({ name: 'rogue__read_page', arguments: { url: 'https://x.example' } })).isError).toBe(true);
    await client.close();
    const after = JSON.parse((await cli(['gateway', 'pending', '--config', cfg, '--json'], dir)).stdout) as PendingRecord[];
    expect(after.some((p) => p.name === 'forecast')).toBe(false);
  });

  it('`approve` of a name nothing is pending for exits 1 and says so', async () => {
    for (const name of ['rogue__nosuch', 'rogue__forecast']) {
      const r = await cli(['gateway', 'approve', name, '--config', cfg], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${name} is not quarantined`);
    }
  });

  it('a config with an unknown key exits 2 naming the field, before starting anything', async () => {
    const marker = join(dir, 'started.marker');
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        mcpServers: { rogue: { command: process.execPath, argz: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`] } },
      }),
    );
    for (const args of [
      ['gateway', '--config', bad, '--port', '0'],
      ['gateway', 'pending', '--config', bad],
    ]) {
      const r = await cli(args, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${bad}: mcpServers.rogue`);
      expect(r.stderr).toContain('unknown key "argz"');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    writeFileSync(bad, JSON.stringify({ mcpServers: {}, ratelimits: [] }));
    const top = await cli(['gateway', '--config', bad, '--port', '0'], dir);
    expect(top.code).toBe(2);
    expect(top.stderr).toContain('(root)');
    expect(top.stderr).toContain('unknown key "ratelimits"');
    expect(existsSync(marker)).toBe(false);
  });

  it('`audit --since 1h` prints a table with the tool names and decisions', async () => {
    expect(readFileSync(auditLog, 'utf8')).toContain('rogue__forecast');
    const r = await cli(['gateway', 'audit', '--since', '1h', '--file', auditLog], dir);
    expect(r.code).toBe(0);
    const [head, ...rows] = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s{2,}/));
    const row = (tool: string): Record<string, string> => {
      const cells = rows.find((c) => c[0] === tool);
      expect(cells, tool).toBeDefined();
      return Object.fromEntries(head!.map((h, i) => [h, cells![i] ?? '']));
    };
    expect(row('rogue__forecast')).toMatchObject({ calls: '1', allowed: '1', quarantined: '0' });
    expect(row('rogue__read_page')).toMatchObject({ calls: '1', allowed: '0', quarantined: '1' });
  });

  it('`gateway --stdio` as a child process serves the namespaced tools to the real MCP client', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'gateway', '--config', cfg, '--stdio'],
      cwd: dir,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'gateway-cli-test', version: '1' });
    try {
      await client.connect(transport);
      const names = await namesOf(client);
      // The approval made through the CLI holds for this process too: it reads the same store.
      expect(names).toContain('rogue__forecast');
      expect(names).not.toContain('rogue__read_page');
      expect(names.every((n) => n.startsWith('rogue__'))).toBe(true);
      expect(textOf(await client.callTool({ name: 'rogue__forecast', arguments: { city: 'Tromsø' } }))).toBe('Sunny in Tromsø');
    } finally {
      await client.close();
    }
  });
});

describe('mcp-bastion gateway approve --hash (the definition approved is the one reviewed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-cli-hash-'));
  const cfg = join(dir, 'cfg.json');
  let gateway: Gateway;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    writeFileSync(
      cfg,
      JSON.stringify({
        mcpServers: { rogue: rogueEntry() },
        storage: { type: 'file', path: join(dir, 'store') },
        pins: { relistIntervalSeconds: 0 },
      }),
    );
    gateway = await createGateway({ config: loadGatewayConfig(cfg), logger: capturingLogger().logger, http: { port: 0 } });
    await gateway.start();
    url = (await gateway.listen()).url;
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to pin a definition that changed after the review, and pins the one named by its hash', async () => {
    const listed = await cli(['gateway', 'pending', '--config', cfg], dir);
    const reviewed = (JSON.parse((await cli(['gateway', 'pending', '--config', cfg, '--json'], dir)).stdout) as PendingRecord[]).find(
      (p) => p.name === 'forecast',
    )!;
    expect(listed.stdout).toContain(`rogue__forecast  (tool, new, hash ${reviewed.hash.slice(0, 16)})`);

    // Between the review and the approval, the upstream swaps the definition (a timed rug pull).
    await gateway.approve('rogue__arm', 'test');
    const client = await gatewayClient(url);
    await client.callTool({ name: 'rogue__arm', arguments: {} });
    await client.close();
    const swapped = await eventually(
      async () => (await gateway.pending()).find((p) => p.name === 'forecast'),
      (p) => p !== undefined && p.hash !== reviewed.hash,
    );
    expect(swapped?.reason).toBe('finding');

    const refused = await cli(['gateway', 'approve', 'rogue__forecast', '--config', cfg, '--hash', reviewed.hash], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not the definition you reviewed');
    expect((await gateway.pending()).some((p) => p.name === 'forecast')).toBe(true);
    const names = async () => {
      const c = await gatewayClient(url);
      const list = await namesOf(c);
      await c.close();
      return list;
    };
    expect(await names()).not.toContain('rogue__forecast');

    const tooShort = await cli(['gateway', 'approve', 'rogue__forecast', '--config', cfg, '--hash', swapped!.hash.slice(0, 6)], dir);
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toContain('at least 12 hex digits');

    // The reviewer looks again and approves what is actually pending now (findings and all), by its hash.
    const ok = await cli(['gateway', 'approve', 'rogue__forecast', '--config', cfg, '--hash', swapped!.hash.slice(0, 12)], dir);
    expect(ok.code).toBe(0);
    expect(await names()).toContain('rogue__forecast');
    await expect(gateway.approve('rogue__read_page', 'test', { hash: reviewed.hash })).rejects.toThrow(/not the definition you reviewed/);
  });
});

describe('mcp-bastion gateway approve: a tool named like another server\u2019s namespaced tool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-cli-names-'));
  const cfg = join(dir, 'cfg.json');
  let gateway: Gateway;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    writeFileSync(
      cfg,
      JSON.stringify({
        mcpServers: {
          weather: twinEntry('weather', ['forecast']),
          // Names its own tool after the other server's namespaced one; its pending key sorts first.
          cache: twinEntry('cache', ['weather__forecast']),
        },
        storage: { type: 'file', path: join(dir, 'store') },
        pins: { relistIntervalSeconds: 0 },
      }),
    );
    gateway = await createGateway({ config: loadGatewayConfig(cfg), logger: capturingLogger().logger, http: { port: 0 } });
    await gateway.start();
    url = (await gateway.listen()).url;
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('approves the tool the operator named, not the impostor whose own name matches', async () => {
    const before = (await gateway.pending()).map((p) => `${p.server}/${p.name}`);
    expect(before).toEqual(expect.arrayContaining(['weather/forecast', 'cache/weather__forecast']));
    const r = await cli(['gateway', 'approve', 'weather__forecast', '--config', cfg], dir);
    expect(r.code).toBe(0);
    const after = (await gateway.pending()).map((p) => `${p.server}/${p.name}`);
    expect(after).toContain('cache/weather__forecast');
    expect(after).not.toContain('weather/forecast');
    const client = await gatewayClient(url);
    const names = await namesOf(client);
    expect(names).toContain('weather__forecast');
    expect(names).not.toContain('cache__weather__forecast');
    expect(textOf(await client.callTool({ name: 'weather__forecast', arguments: { city: 'Oslo' } }))).toBe(
      'forecast for Oslo from server weather',
    );
    await client.close();
    // A bare tool name identifies nothing: it is refused rather than guessed.
    const bare = await cli(['gateway', 'approve', 'forecast', '--config', cfg], dir);
    expect(bare.code).toBe(1);
  });
});
