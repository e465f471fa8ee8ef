import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.js';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'cli-entry.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('commander wiring (registerScanCommand / registerPinCommand)', () => {
  it('scan --tools-file --json prints the report and exits 1 on poisoned tools', async () => {
    const r = await cli('scan', '--tools-file', join(FIXTURES, 'poisoned', 'injection.json'), '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { version: number; servers: { name: string }[] };
    expect(report.version).toBe(1);
    expect(report.servers[0]?.name).toBe('poisoned-injection');
  });

  it('rejects an unknown --fail-on value with exit 2', async () => {
    const r = await cli('scan', '--tools-file', join(FIXTURES, 'poisoned', 'injection.json'), '--fail-on', 'severe');
    expect(r.code).toBe(2);
  });

  it('scan --help lists the documented options', async () => {
    const r = await cli('scan', '--help');
    for (const opt of [
      '--url',
      '--header',
      '--tools-file',
      '--yes',
      '--no-sandbox',
      '--sandbox-net',
      '--timeout',
      '--concurrency',
      '--json',
      '--sarif',
      '--fail-on',
      '--ignore',
      '--accept',
      '--pins',
      '--update-pins',
    ])
      expect(r.stdout).toContain(opt);
    // The deprecated alias still parses but is not advertised.
    expect(r.stdout).not.toContain('--allowlist');
  });

  describe('--accept silences accepted findings; --allowlist is its deprecated alias', () => {
    let acceptAll: string;
    const poisoned = join(FIXTURES, 'poisoned', 'injection.json');
    beforeAll(() => {
      acceptAll = join(mkdtempSync(join(tmpdir(), 'mb-accept-')), 'accept.json');
      writeFileSync(acceptAll, JSON.stringify([{ code: '*', server: 'poisoned-injection' }]));
    });

    it('--accept FILE turns a failing scan into a clean one, without a warning', async () => {
      const r = await cli('scan', '--tools-file', poisoned, '--json', '--accept', acceptAll);
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings).toEqual([]);
      expect(r.stderr).not.toMatch(/deprecated/);
    });

    it('--allowlist FILE does the same and prints exactly one deprecation line on stderr', async () => {
      const r = await cli('scan', '--tools-file', poisoned, '--json', '--allowlist', acceptAll);
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings).toEqual([]);
      const lines = r.stderr.split('\n').filter((l) => /deprecated/.test(l));
      expect(lines).toEqual(['warning: --allowlist is deprecated and will be removed; use --accept']);
    });

    it('giving both names is a usage error (exit 2), not a silent choice', async () => {
      const r = await cli('scan', '--tools-file', poisoned, '--accept', acceptAll, '--allowlist', acceptAll);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('give only --accept');
    });

    it('an unreadable --accept file is a config error naming the flag (exit 2)', async () => {
      const r = await cli('scan', '--tools-file', poisoned, '--accept', join(tmpdir(), 'mb-no-such-accept.json'));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--accept');
    });
  });
});
