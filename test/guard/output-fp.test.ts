import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardToolResult } from '../../src/guard/output.js';
import { REPO_ROOT } from '../storage/helpers.js';

/** Every package README installed under node_modules: real documentation the guard has never been tuned on. */
function readmes(): Array<[string, string]> {
  const root = join(REPO_ROOT, 'node_modules');
  const dirs = readdirSync(root)
    .filter((d) => !d.startsWith('.'))
    .flatMap((d) => (d.startsWith('@') ? readdirSync(join(root, d)).map((s) => join(root, d, s)) : [join(root, d)]));
  const out: Array<[string, string]> = [];
  for (const dir of dirs.sort()) {
    const file = ['README.md', 'readme.md', 'Readme.md'].map((f) => join(dir, f)).find((f) => existsSync(f));
    if (file) out.push([file.slice(root.length + 1), readFileSync(file, 'utf8')]);
  }
  return out;
}

describe('output guard false positives on real package READMEs', () => {
  it('warns on at most 1% of them at the default threshold (high) and blocks none', () => {
    const docs = readmes();
    expect(docs.length).toBeGreaterThan(100);
    let warned = 0;
    let blocked = 0;
    let medium = 0;
    for (const [, text] of docs) {
      const r = guardToolResult({ content: [{ type: 'text', text }] }, { mode: 'block', toolName: 'fs__read_text_file', redact: false });
      if (r.blocked) blocked++;
      const first = r.result.content[0];
      if (first?.type === 'text' && first.text.startsWith('[mcp-bastion] warning')) warned++;
      if (r.findings.some((f) => f.code === 'OI001')) medium++;
    }
    expect(blocked).toBe(0);
    expect(warned / docs.length).toBeLessThanOrEqual(0.01);
    // Reported at medium (audit only, content unchanged): recorded here so a change in the figure is seen.
    expect(medium / docs.length).toBeLessThanOrEqual(0.1);
  }, 120_000);
});
