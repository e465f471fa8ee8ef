import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.js';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bastion-batch-'));
copyFileSync(join(FIXTURES, 'poisoned', 'injection.json'), join(dir, 'a.json'));
copyFileSync(join(FIXTURES, 'benign', 'modelcontextprotocol__server-memory@2026.8.31.json'), join(dir, 'b.json'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scan batch mode and --explain (node dist/cli/main.js)', () => {
  it('--explain prints, per finding, the rule or model score that decided it', async () => {
    const r = await cli('scan', '--tools-file', join(FIXTURES, 'poisoned', 'injection.json'), '--explain');
    expect(r.code).toBe(1);
    const blocks = r.stdout.split(/\n(?=  (?:CRITICAL|HIGH|MEDIUM|LOW)\s)/).filter((b) => /TP001/.test(b));
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) {
      expect(b, b).toMatch(/explain: score [\d.]+, decided by \S+/);
      expect(b, b).toMatch(/model:logreg p=/);
    }
  });

  it('--json keeps the documented shape without --explain and adds the trace with it', async () => {
    const plain = JSON.parse((await cli('scan', '--tools-file', join(FIXTURES, 'poisoned', 'injection.json'), '--json')).stdout) as {
      findings: Record<string, unknown>[];
    };
    expect(plain.findings.some((f) => 'explain' in f)).toBe(false);
    const explained = JSON.parse(
      (await cli('scan', '--tools-file', join(FIXTURES, 'poisoned', 'injection.json'), '--json', '--explain')).stdout,
    ) as { findings: { code: string; explain?: { decidedBy?: string; trace: unknown[] } }[] };
    const tp = explained.findings.filter((f) => f.code === 'TP001');
    expect(tp.length).toBeGreaterThan(0);
    for (const f of tp) expect(f.explain?.decidedBy).toBeTruthy();
  });

  it('repeatable --tools-file and a directory of manifests scan every server in one process', async () => {
    const files = await cli('scan', '--tools-file', join(dir, 'a.json'), '--tools-file', join(dir, 'b.json'), '--json');
    const fromDir = await cli('scan', '--tools-file', dir, '--json');
    const positional = await cli('scan', dir, '--json');
    const names = (out: string): string[] => (JSON.parse(out) as { servers: { name: string }[] }).servers.map((s) => s.name).sort();
    expect(names(files.stdout)).toHaveLength(2);
    expect(names(fromDir.stdout)).toEqual(names(files.stdout));
    expect(names(positional.stdout)).toEqual(names(files.stdout));
    expect(fromDir.code).toBe(1);
  });

  it('a directory without manifests is a config error naming it (exit 2)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bastion-empty-'));
    const r = await cli('scan', '--tools-file', empty);
    rmSync(empty, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no *.json manifests');
  });
});
