import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function importsOf(dir: string): Array<{ file: string; spec: string }> {
  const out: Array<{ file: string; spec: string }> = [];
  for (const entry of readdirSync(join(SRC, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    for (const m of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) out.push({ file, spec: m[1]! });
  }
  return out;
}

// docs/architecture.md: imports only go down gateway → server → http → auth/guard/security/storage/net.
const FORBIDDEN: Record<string, string[]> = {
  http: ['server', 'gateway', 'cli', 'demo'],
  server: ['gateway', 'cli', 'demo'],
  auth: ['server', 'http/app', 'http/mcp-endpoint', 'gateway', 'cli'],
  guard: ['server', 'http', 'gateway', 'cli'],
  storage: ['server', 'http', 'gateway', 'auth', 'cli'],
};

describe('layering', () => {
  for (const [layer, banned] of Object.entries(FORBIDDEN)) {
    it(`${layer}/ does not import ${banned.join(', ')}`, () => {
      const bad = importsOf(layer).filter(({ spec }) => banned.some((b) => new RegExp(`^(\\.\\./)+${b}(/|\\.js|$)`).test(spec)));
      expect(bad.map((b) => `${b.file.slice(SRC.length + 1)} imports ${b.spec}`)).toEqual([]);
    });
  }
});
