/**
 * The stdio sandbox from the attacker's side, with real bubblewrap and real child processes: a
 * server whose tools try to read ~/.ssh/id_rsa, write outside their directory and reach a
 * loopback service. Each attempt fails, and the server keeps answering. Every denial has a
 * control (same probe, sandbox relaxed) that succeeds, so the test cannot pass by accident.
 * Without bwrap these tests FAIL: the gateway's promise depends on it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildLaunch,
  sandboxOptionsFor,
  sandboxUnavailableReason,
  SandboxUnavailableError,
  which,
  type UpstreamSandboxConfig,
} from '../../src/security/connect/sandbox.js';
import { GroupStdioTransport } from '../../src/security/connect/stdio-transport.js';
import type { ServerConfig } from '../../src/security/types.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE_DIR = join(ROOT, 'test', 'fixtures', 'sandbox');
const PROBE: ServerConfig = {
  name: 'probe',
  command: process.execPath,
  args: ['--import', 'tsx', join(FIXTURE_DIR, 'probe-server.ts')],
  cwd: ROOT,
  env: { PROBE_NAMED: 'named-by-entry' },
};

const base = mkdtempSync(join(tmpdir(), 'bastion-sandbox-'));
const fakeHome = join(base, 'home');
const workDir = join(base, 'upstreams', 'probe');
const outsideDir = join(base, 'outside');
const SSH_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nfake-key-for-sandbox-test\n-----END OPENSSH PRIVATE KEY-----\n';
mkdirSync(join(fakeHome, '.ssh'), { recursive: true });
writeFileSync(join(fakeHome, '.ssh', 'id_rsa'), SSH_KEY, { mode: 0o600 });
mkdirSync(outsideDir);

type Outcome = { ok: boolean; code?: string; value?: string };

interface Probe {
  call(tool: string, args?: Record<string, unknown>): Promise<Outcome>;
  close(): Promise<void>;
}

async function launch(entry: UpstreamSandboxConfig, parentEnv: NodeJS.ProcessEnv = {}): Promise<Probe> {
  const opts = { ...sandboxOptionsFor('probe', { writableDir: workDir, ...entry }, { home: fakeHome }), parentEnv };
  const transport = new GroupStdioTransport(buildLaunch(PROBE, opts));
  const client = new Client({ name: 'sandbox-test', version: '1' });
  try {
    await client.connect(transport);
  } catch (e) {
    throw new Error(`probe server did not start: ${String(e)}\n${transport.stderr}`);
  }
  return {
    async call(tool, args = {}) {
      const r = await client.callTool({ name: tool, arguments: args });
      const first = (r.content as { type: string; text: string }[])[0];
      return JSON.parse(first?.text ?? 'null') as Outcome;
    },
    async close() {
      await client.close().catch(() => undefined);
      await transport.close();
    },
  };
}

const alive = async (p: Probe) => expect(await p.call('ping')).toBe('pong');

describe('sandboxed stdio upstream (real bubblewrap)', () => {
  let sandboxed: Probe;
  let listener: Server;
  let port = 0;
  let connections = 0;

  beforeAll(async () => {
    // Fail, never skip: CI has bubblewrap, and a missing one must be noticed.
    expect(which('bwrap'), 'bubblewrap (bwrap) must be installed for these tests').toBeDefined();
    expect(which('prlimit'), 'prlimit (util-linux) must be installed for these tests').toBeDefined();
    listener = createServer((s) => {
      connections++;
      s.end();
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    port = (listener.address() as { port: number }).port;
    process.env.AWS_SECRET_ACCESS_KEY = 'parent-secret-must-not-leak';
    sandboxed = await launch(
      {
        limits: { cpuSeconds: 120, openFiles: 256, fileSizeBytes: 1024 * 1024, memoryBytes: 1024 * 1024 * 1024 },
        passEnv: ['PROBE_PASSED'],
      },
      { ...process.env, PROBE_PASSED: 'passed-by-name' },
    );
  });

  afterAll(async () => {
    await sandboxed?.close();
    await new Promise<void>((r) => listener.close(() => r()));
    delete process.env.AWS_SECRET_ACCESS_KEY;
  });

  it('cannot read ~/.ssh/id_rsa (home is a private empty tmpfs), and stays up', async () => {
    const r = await sandboxed.call('read_file', { path: join(fakeHome, '.ssh', 'id_rsa') });
    expect(r).toEqual({ ok: false, code: 'ENOENT' });
    expect((await sandboxed.call('read_file', { path: '/root/.ssh/id_rsa' })).ok).toBe(false);
    await alive(sandboxed);
  });

  it('control: the same probe without the sandbox does read the key', async () => {
    const open = await launch({ sandbox: false });
    try {
      expect(await open.call('read_file', { path: join(fakeHome, '.ssh', 'id_rsa') })).toEqual({ ok: true, value: SSH_KEY });
    } finally {
      await open.close();
    }
  });

  it('cannot write outside its directory (read-only system, private /tmp), can write inside, and stays up', async () => {
    const name = `pwned-${randomUUID()}.txt`;
    const ro = await sandboxed.call('write_file', { path: join(FIXTURE_DIR, name), content: 'x' });
    expect(ro.ok).toBe(false);
    expect(['EROFS', 'EACCES']).toContain(ro.code);
    expect(existsSync(join(FIXTURE_DIR, name))).toBe(false);
    const hiddenTmp = await sandboxed.call('write_file', { path: join(outsideDir, name), content: 'x' });
    expect(hiddenTmp.ok).toBe(false);
    expect(existsSync(join(outsideDir, name))).toBe(false);
    // Writes to /tmp land in the sandbox's own tmpfs, never on the host.
    expect((await sandboxed.call('write_file', { path: `/tmp/${name}`, content: 'x' })).ok).toBe(true);
    expect(existsSync(`/tmp/${name}`)).toBe(false);
    expect((await sandboxed.call('write_file', { path: '/etc/cron.d/pwned', content: 'x' })).ok).toBe(false);
    expect(await sandboxed.call('write_file', { path: join(workDir, 'state.json'), content: '{"ok":1}' })).toEqual({ ok: true });
    expect(readFileSync(join(workDir, 'state.json'), 'utf8')).toBe('{"ok":1}');
    expect(statSync(workDir).mode & 0o777).toBe(0o700);
    await alive(sandboxed);
  });

  it('cannot open a TCP socket to a loopback listener (no network namespace), and stays up', async () => {
    const before = connections;
    const r = await sandboxed.call('connect', { host: '127.0.0.1', port });
    expect(r.ok).toBe(false);
    expect(['ECONNREFUSED', 'ENETUNREACH', 'EADDRNOTAVAIL']).toContain(r.code);
    expect(connections).toBe(before);
    await alive(sandboxed);
  });

  it("cannot reach the host's Unix sockets under /run (databases, D-Bus), and the control can", async () => {
    // A socket like /run/postgresql/.s.PGSQL.5432: connect() works on a read-only mount, so /run must be replaced.
    const dir = mkdtempSync('/run/mcpb-sbx-');
    const path = join(dir, 'service.sock');
    let accepted = 0;
    const unix = createServer((s) => {
      accepted++;
      s.end();
    });
    await new Promise<void>((r) => unix.listen(path, () => r()));
    try {
      const r = await sandboxed.call('connect', { path });
      expect(r.ok).toBe(false);
      expect(r.code).toBe('ENOENT');
      expect(accepted).toBe(0);
      const open = await launch({ sandbox: false });
      try {
        expect(await open.call('connect', { path })).toEqual({ ok: true });
      } finally {
        await open.close();
      }
      await alive(sandboxed);
    } finally {
      await new Promise<void>((r) => unix.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('control: with network: true the same probe connects', async () => {
    const netted = await launch({ network: true });
    try {
      const before = connections;
      expect(await netted.call('connect', { host: '127.0.0.1', port })).toEqual({ ok: true });
      await expect.poll(() => connections).toBe(before + 1);
    } finally {
      await netted.close();
    }
  });

  it('sees only the variables the entry names, runs in its cwd, under the prlimit limits', async () => {
    const r = (await sandboxed.call('whoami')) as unknown as { env: string[]; cwd: string; limits: string };
    // PWD comes from bwrap's --chdir; nothing of the parent (AWS_SECRET_ACCESS_KEY, ...) gets through.
    expect(r.env).toEqual(['HOME', 'PATH', 'PROBE_NAMED', 'PROBE_PASSED', 'PWD']);
    expect(r.cwd).toBe(ROOT);
    expect(r.limits).toMatch(/Max cpu time\s+120\s+120\s+seconds/);
    expect(r.limits).toMatch(/Max open files\s+256\s+256\s+files/);
    expect(r.limits).toMatch(/Max file size\s+1048576\s+1048576\s+bytes/);
    expect(r.limits).toMatch(/Max data size\s+1073741824\s+1073741824\s+bytes/);
  });

  it('a file larger than the file-size limit cannot be written', async () => {
    const r = await sandboxed.call('write_file', { path: join(workDir, 'big.bin'), content: 'x'.repeat(2 * 1024 * 1024) });
    expect(r.ok).toBe(false);
    expect(r.code).toBe('EFBIG');
    await alive(sandboxed);
  });

  it('a memory bomb hits the limit and takes down only its own process', async () => {
    // Node aborts on allocation failure, so the upstream dies (the gateway restarts it); the host keeps its memory.
    const bomb = await launch({ limits: { memoryBytes: 384 * 1024 * 1024 } });
    try {
      await expect(bomb.call('allocate', { mib: 512 })).rejects.toThrow(/closed/i);
    } finally {
      await bomb.close();
    }
    await alive(sandboxed);
    // control: the same allocation under the 1 GiB limit of the shared probe succeeds
    expect(await sandboxed.call('allocate', { mib: 512 })).toEqual({ ok: true, value: '512 MiB held' });
  });
});

describe('where the sandbox cannot be had', () => {
  it('names the opt-out on macOS and Windows', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      expect(sandboxUnavailableReason(platform, '/usr/bin/bwrap')).toMatch(/needs Linux.*`sandbox: false`/);
      expect(() => sandboxOptionsFor('fs', {}, { platform, home: '/home/u' })).toThrow(SandboxUnavailableError);
      expect(() => sandboxOptionsFor('fs', {}, { platform, home: '/home/u' })).toThrow(
        /upstream "fs" cannot be sandboxed.*`sandbox: false`/,
      );
    }
  });

  it('names the package and the opt-out when bwrap is missing on Linux', () => {
    expect(sandboxUnavailableReason('linux', undefined)).toMatch(/apt-get install bubblewrap.*`sandbox: false`/);
    expect(() => buildLaunch(PROBE, { sandbox: true, net: false, home: fakeHome })).toThrow(/cannot be sandboxed: .*`sandbox: false`/);
  });

  it('the opt-out works without bwrap, and limits without prlimit are refused rather than dropped', () => {
    const o = sandboxOptionsFor('fs', { sandbox: false }, { platform: 'darwin', home: '/Users/u' });
    expect(o.sandbox).toBe(false);
    expect(buildLaunch(PROBE, o).command).toBe(process.execPath);
    expect(() => buildLaunch(PROBE, { ...o, limits: { cpuSeconds: 5 } })).toThrow(/limits need prlimit/);
    expect(() => buildLaunch(PROBE, { ...o, prlimit: '/usr/bin/prlimit', limits: { cpuSeconds: 1.5 } })).toThrow(/positive integer/);
  });

  it("keeps the scanner's defaults: no writable dir, no limits, no passed variables", () => {
    const spec = buildLaunch(PROBE, { sandbox: true, net: false, home: fakeHome, bwrap: '/usr/bin/bwrap' });
    expect(spec.args).not.toContain('--bind');
    expect(spec.args.join(' ')).not.toContain('prlimit');
    expect(spec.args).toContain('--unshare-all');
    expect(spec.args).not.toContain('--share-net');
    expect(spec.env).toEqual({ PATH: expect.any(String) });
  });
});
