/**
 * Static-analysis throughput: scanTools over 1,000 tool definitions drawn from the benign
 * fixtures (real servers' tools/list) mixed with poisoned ones, spread over 20 servers so the
 * cross-server checks run too. Target: under 1 s on the CI machine.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanTools, type ScannedServer, type ToolDef } from '../src/security/index.js';

const FIXTURES = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'test', 'fixtures', 'scan');

function loadTools(folder: string): ToolDef[] {
  const dir = join(FIXTURES, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { tools: ToolDef[] } | { tools: ToolDef[] }[];
      return (Array.isArray(raw) ? raw : [raw]).flatMap((m) => m.tools);
    });
}

export async function benchScan(): Promise<{ tools: number; ms: number }> {
  const pool = [...loadTools('benign'), ...loadTools('poisoned')];
  const servers: ScannedServer[] = Array.from({ length: 20 }, (_, i) => ({ name: `server-${i}`, tools: [] }));
  for (let i = 0; i < 1000; i++) {
    const base = pool[i % pool.length] as ToolDef;
    // Unique names so duplicate-name checks do not dominate the result.
    servers[i % 20]?.tools.push({ ...base, name: `${base.name}_${i}` });
  }
  // Warm the regex engine and JIT on a small slice first, as a long-running guard would be.
  scanTools([{ name: 'warm-up', tools: pool.slice(0, 50) }]);
  const start = performance.now();
  scanTools(servers);
  const ms = performance.now() - start;
  return { tools: 1000, ms: Math.round(ms) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchScan();
  console.log(`scan: ${r.tools} tools in ${r.ms} ms (${Math.round((r.tools / r.ms) * 1000)} tools/s)`);
}
