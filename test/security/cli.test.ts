import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
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
      '--allowlist',
      '--pins',
      '--update-pins',
    ])
      expect(r.stdout).toContain(opt);
  });
});
