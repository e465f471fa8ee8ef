import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAll } from '../../src/security/connect/runner.js';
import { which } from '../../src/security/connect/sandbox.js';
import { runPin } from '../../src/security/run/pin-run.js';
import { runScan, type ScanRunOptions } from '../../src/security/run/scan-run.js';
import type { ScanReport } from '../../src/security/report/json.js';
import { buildServer } from '../fixtures/scan/servers/definitions.js';
import { FIXTURES } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SERVERS = join(FIXTURES, 'servers');
const hasBwrap = which('bwrap') !== undefined;

// The sandbox is a required part of the suite: without bubblewrap these tests fail, never skip.
describe('test prerequisites', () => {
  it('has bubblewrap (Debian package bubblewrap) installed', () => {
    expect(hasBwrap).toBe(true);
  });
});

function tsxServer(script: string, ...args: string[]): { command: string; args: string[]; cwd: string } {
  return { command: process.execPath, args: ['--import', 'tsx', join(SERVERS, script), ...args], cwd: ROOT };
}

function options(over: Partial<ScanRunOptions>): ScanRunOptions {
  return {
    configs: [],
    urls: [],
    headers: [],
    toolsFiles: [],
    yes: true,
    sandbox: true,
    sandboxNet: false,
    timeoutMs: 20_000,
    concurrency: 4,
    json: true,
    failOn: 'high',
    ignore: [],
    updatePins: false,
    ...over,
  };
}

async function run(over: Partial<ScanRunOptions>): Promise<{ code: number; out: string; err: string; report?: ScanReport }> {
  let out = '';
  let err = '';
  const code = await runScan(options(over), { stdout: (s) => (out += s), stderr: (s) => (err += s), notice: (s) => (err += `${s}\n`) });
  let report: ScanReport | undefined;
  try {
    report = JSON.parse(out) as ScanReport;
  } catch {
    report = undefined;
  }
  return { code, out, err, report };
}

function writeConfig(dir: string, servers: Record<string, unknown>): string {
  const path = join(dir, 'mcp.json');
  writeFileSync(path, JSON.stringify({ mcpServers: servers }));
  return path;
}

describe('end to end: stdio servers in the bubblewrap sandbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-e2e-'));

  it('scans a poisoned server launched from a client config and reports its attacks', async () => {
    const config = writeConfig(dir, { poisoned: tsxServer('stdio-server.ts') });
    const { code, report } = await run({ configs: [config] });
    expect(code).toBe(1);
    expect(report?.servers).toEqual([{ name: 'poisoned', status: 'ok', tools: 3, source: config, prompts: 1, resources: 0 }]);
    const got = new Set(report?.findings.map((f) => `${f.code}:${f.entity.kind}:${f.entity.name}`));
    expect(got).toContain('HC001:tool:time_now'); // tag-character smuggling survives the wire
    expect(got).toContain('TP001:server:poisoned'); // server instructions are scanned
    expect(got).toContain('TP001:prompt:summarise');
    expect([...got].some((g) => g.endsWith(':tool:echo'))).toBe(false);
  });

  it('the sandbox hides $HOME, keeps / read-only, clears the environment except the config env', async () => {
    // A file in the real home must be invisible inside the sandbox (its home is a tmpfs).
    const marker = join(process.env.HOME ?? '/root', `.mb-marker-${process.pid}`);
    try {
      writeFileSync(marker, 'x');
    } catch {
      // read-only home: the probe still checks that the path is absent inside the sandbox
    }
    const cfg = {
      name: 'probe',
      ...tsxServer('env-server.ts'),
      env: { PROBE_MARKER: marker, PROBE_WRITE: join(ROOT, 'mb-should-not-exist'), ONLY_THIS: '1' },
    };
    const [outcome] = await collectAll([cfg], {
      concurrency: 1,
      timeoutMs: 20_000,
      sandbox: { sandbox: true, net: false, home: process.env.HOME ?? '/root', bwrap: which('bwrap') },
      consent: async () => true,
    }).finally(() => rmSync(marker, { force: true }));
    expect(outcome?.status).toBe('ok');
    const probe = JSON.parse(outcome?.server?.tools[0]?.description ?? '{}') as {
      env: string[];
      homeMarker: boolean;
      writeRoot: boolean;
      writeTmp: boolean;
    };
    expect(probe.env.filter((k) => !['PWD', 'SHLVL', '_'].includes(k))).toEqual([
      'HOME',
      'ONLY_THIS',
      'PATH',
      'PROBE_MARKER',
      'PROBE_WRITE',
    ]);
    expect(probe).toMatchObject({ homeMarker: false, writeRoot: false, writeTmp: true });
  });

  it('a server that never answers is killed at the time limit and reported with its stderr (exit 3)', async () => {
    const config = writeConfig(dir, { hang: { command: process.execPath, args: [join(SERVERS, 'hang-server.mjs')] } });
    const { code, report } = await run({ configs: [config], timeoutMs: 2_000 });
    expect(code).toBe(3);
    expect(report?.servers[0]).toMatchObject({ name: 'hang', status: 'error', tools: 0, error: 'timed out after 2000 ms' });
    expect(report?.servers[0]?.stderr).toContain('hang-server: starting');
  });
});

describe('end to end: consent and sandbox preconditions', () => {
  it('without consent a stdio server is not launched and is reported as not scanned', async () => {
    const [o] = await collectAll([{ name: 'x', command: '/bin/true' }], {
      concurrency: 1,
      timeoutMs: 1000,
      sandbox: { sandbox: true, net: false, home: '/tmp', bwrap: '/usr/bin/bwrap' },
    });
    expect(o).toMatchObject({ status: 'error', error: expect.stringContaining('no consent') });
  });

  it('without bwrap the scan says so and asks for --no-sandbox', async () => {
    const [o] = await collectAll([{ name: 'x', command: '/bin/true' }], {
      concurrency: 1,
      timeoutMs: 1000,
      sandbox: { sandbox: true, net: false, home: '/tmp', bwrap: undefined },
      consent: async () => true,
    });
    expect(o?.error).toMatch(/bubblewrap.*--no-sandbox/);
  });

  it('a config-only risk is still reported for a server that could not be launched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-cfg-'));
    const config = writeConfig(dir, {
      risky: { command: 'npx', args: ['-y', 'some-mcp'], env: { API_TOKEN: `ghp_${'x1Y2z3'.repeat(6)}` } },
    });
    const { code, report } = await run({ configs: [config], yes: false });
    expect(report?.servers[0]).toMatchObject({ status: 'error' });
    expect(report?.findings.map((f) => f.code).sort()).toEqual(['CF001', 'CF003']);
    expect(code).toBe(1); // CF003 is high
  });
});

describe('end to end: Streamable HTTP server', () => {
  let http: Server;
  let url = '';
  const seenAuth: string[] = [];

  beforeAll(async () => {
    const handler = toNodeHandler(createMcpHandler(() => buildServer('v1')));
    http = createServer((req, res) => {
      seenAuth.push(String(req.headers.authorization ?? ''));
      void handler(req, res);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  });
  afterAll(() => new Promise<void>((r) => http.close(() => r())));

  it('scans a running server with --url and sends --header', async () => {
    const { code, report } = await run({ urls: [url], headers: ['Authorization: Bearer test-token'] });
    expect(code).toBe(1);
    expect(report?.servers).toEqual([{ name: url, status: 'ok', tools: 3, source: url, prompts: 1, resources: 0 }]);
    expect(report?.findings.some((f) => f.code === 'HC001' && f.entity.name === 'time_now')).toBe(true);
    expect(seenAuth).toContain('Bearer test-token');
  });

  it('an unreachable URL is reported as not scanned (exit 3)', async () => {
    const { code, report } = await run({ urls: ['http://127.0.0.1:9/mcp'], timeoutMs: 5_000 });
    expect(code).toBe(3);
    expect(report?.servers[0]?.status).toBe('error');
  });
});

describe('end to end: pins catch a rug pull', () => {
  it('pin v1, serve the rug-pulled version, see each change, then accept it with --update-pins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-pin-'));
    const lock = join(dir, 'mcp-bastion.lock.json');
    const v1 = writeConfig(dir, { calc: tsxServer('stdio-server.ts', 'v1') });
    const io = { stdout: () => undefined, stderr: () => undefined };
    expect(await runPin({ ...options({}), configs: [v1], output: lock }, io)).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(lock, 'utf8')).servers.calc.tool)).toEqual(['echo', 'add', 'time_now']);

    const rug = writeConfig(dir, { calc: tsxServer('stdio-server.ts', 'rugpull') });
    const { report } = await run({ configs: [rug], pins: lock });
    const pn = report?.findings.find((f) => f.code === 'PN001' && f.entity.name === 'add');
    expect(pn?.severity).toBe('high');
    expect(pn?.evidence).toContain('new parameter "sidenote"');
    expect(pn?.evidence).toMatch(/description: Adds two numbers\. → Adds two numbers\. <IMPORTANT>/);
    expect(pn?.evidence).toContain('annotations.readOnlyHint: true → false');

    await run({ configs: [rug], pins: lock, updatePins: true });
    const after = await run({ configs: [rug], pins: lock });
    expect(after.report?.findings.filter((f) => f.code.startsWith('PN'))).toEqual([]);
  });
});

describe('end to end: discovery of client configs', () => {
  it('with no inputs, scans the well-known configs under the given home and cwd', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mb-dhome-'));
    const cwd = mkdtempSync(join(tmpdir(), 'mb-dcwd-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(home, '.cursor'), { recursive: true });
    writeFileSync(
      join(home, '.cursor', 'mcp.json'),
      JSON.stringify({ mcpServers: { remote: { url: 'http://203.0.113.10/mcp', headers: { Authorization: 'Bearer abc' } } } }),
    );
    writeFileSync(join(cwd, '.mcp.json'), JSON.stringify({ mcpServers: { local: { command: 'npx', args: ['-y', 'some-server'] } } }));
    let notices = '';
    let out = '';
    const code = await runScan(options({ home, cwd, platform: 'linux', yes: false, timeoutMs: 1_000 }), {
      stdout: (s) => (out += s),
      stderr: () => undefined,
      notice: (m) => (notices += `${m}\n`),
    });
    const report = JSON.parse(out) as ScanReport;
    expect(notices).toContain(join(home, '.cursor', 'mcp.json'));
    expect(report.servers.map((s) => `${s.name}:${s.status}`).sort()).toEqual(['local:error', 'remote:error']);
    expect(report.findings.map((f) => `${f.code}:${f.server}`).sort()).toEqual(['CF001:local', 'CF002:remote']);
    expect(code).toBe(1); // CF002 with an Authorization header is high
  });

  it('exits 2 when nothing can be found to scan', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mb-empty-'));
    expect((await run({ home: empty, cwd: empty, platform: 'linux' })).code).toBe(2);
  });
});

describe('exit codes and usage errors', () => {
  it('0 for a clean manifest, 1 for findings at or above --fail-on, 2 for usage/config errors', async () => {
    const benign = join(FIXTURES, 'benign', 'modelcontextprotocol__server-memory@2026.8.31.json');
    expect((await run({ toolsFiles: [benign] })).code).toBe(0);
    expect((await run({ toolsFiles: [join(FIXTURES, 'poisoned', 'misc.json')] })).code).toBe(1);
    expect(
      (
        await run({
          toolsFiles: [join(FIXTURES, 'poisoned', 'misc.json')],
          failOn: 'critical',
          ignore: ['TP001', 'DT002', 'HC001', 'HC002', 'HC004', 'HC005', 'HC007'],
        })
      ).code,
    ).toBe(0);
    expect((await run({ configs: ['/nonexistent/mcp.json'] })).code).toBe(2);
    expect((await run({ toolsFiles: [benign], failOn: 'severe' as never })).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'mb-al-'));
    writeFileSync(
      join(dir, 'allow.json'),
      JSON.stringify([
        { code: 'TP001' },
        { code: 'DT001' },
        { code: 'DT002' },
        { code: 'HC001' },
        { code: 'HC005' },
        { code: 'HC007' },
        { code: 'SH004' },
        { code: 'HC006' },
        { code: 'HC002' },
        { code: 'HC003' },
        { code: 'HC004' },
        { code: 'HC008' },
      ]),
    );
    expect((await run({ toolsFiles: [join(FIXTURES, 'poisoned', 'misc.json')], accept: join(dir, 'allow.json') })).code).toBe(0);
  });

  it('config files given as arguments may be tools manifests; --sarif writes a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-sarif-'));
    const sarif = join(dir, 'out.sarif');
    const r = await run({ configs: [join(FIXTURES, 'poisoned', 'hidden.json')], json: false, sarif, cwd: ROOT });
    expect(r.code).toBe(1);
    expect(r.out).toContain('poisoned-hidden');
    const doc = JSON.parse(readFileSync(sarif, 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(doc.version).toBe('2.1.0');
    expect(doc.runs[0]?.results.length).toBeGreaterThan(10);
  });
});
