/**
 * Static-analysis throughput: scanTools over 1,000 tool definitions drawn from the benign
 * fixtures (real servers' tools/list) mixed with poisoned ones, spread over 20 servers so the
 * cross-server checks run too. Baseline in the same run: the rule engine alone (`model: false`),
 * against rules + learned model, the verdict `scan` gives; and the rule engine with every expression
 * run whole (Matcher.plain, no prefilter), against the split matchers it ships with. Each figure is the process CPU time of
 * the fastest of several rounds, so a busy machine inflates it less. Target: under 0.5 s for 1,000 tools.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matcher } from '../src/security/detect/matcher.js';
import { scanTools, type ScannedServer, type ToolDef } from '../src/security/index.js';

const FIXTURES = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'test', 'fixtures', 'scan');
const ROUNDS = 5;

function loadTools(folder: string): ToolDef[] {
  const dir = join(FIXTURES, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { tools: ToolDef[] } | { tools: ToolDef[] }[];
      return (Array.isArray(raw) ? raw : [raw]).flatMap((m) => m.tools);
    });
}

// CPU time of this process, not wall time: on a shared machine other processes stretch the wall
// clock but not the work done here.
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function fastest(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const start = cpuMs();
    run();
    best = Math.min(best, cpuMs() - start);
  }
  return best;
}

export async function benchScan(): Promise<{
  tools: number;
  ms: number;
  rulesMs: number;
  ratio: number;
  plainMs: number;
  splitRatio: number;
}> {
  const pool = [...loadTools('benign'), ...loadTools('poisoned')];
  const servers: ScannedServer[] = Array.from({ length: 20 }, (_, i) => ({ name: `server-${i}`, tools: [] }));
  for (let i = 0; i < 1000; i++) {
    const base = pool[i % pool.length] as ToolDef;
    // Unique names so duplicate-name checks do not dominate the result.
    servers[i % 20]?.tools.push({ ...base, name: `${base.name}_${i}` });
  }
  // Warm the regex engine and JIT on a small slice first, as a long-running guard would be.
  scanTools([{ name: 'warm-up', tools: pool.slice(0, 50) }]);
  // Interleaved so load from other processes hits both alike.
  let rulesMs = Infinity;
  let ms = Infinity;
  let plainMs = Infinity;
  for (let i = 0; i < 2; i++) {
    rulesMs = Math.min(
      rulesMs,
      fastest(() => scanTools(servers, { model: false })),
    );
    ms = Math.min(
      ms,
      fastest(() => scanTools(servers)),
    );
    // No prefilter: every expression run whole on every text (same verdicts).
    Matcher.plain = true;
    try {
      plainMs = Math.min(
        plainMs,
        fastest(() => scanTools(servers, { model: false })),
      );
    } finally {
      Matcher.plain = false;
    }
  }
  return {
    tools: 1000,
    ms: Math.round(ms),
    rulesMs: Math.round(rulesMs),
    ratio: ms / rulesMs,
    plainMs: Math.round(plainMs),
    splitRatio: rulesMs / plainMs,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchScan();
  console.log(
    `scan: ${r.tools} tools, rules only ${r.rulesMs} ms; rules + model ${r.ms} ms; ratio ${r.ratio.toFixed(2)} (target: < 500 ms); ` +
      `rules with no prefilter (every expression run whole) ${r.plainMs} ms; split ÷ that ${r.splitRatio.toFixed(2)}`,
  );
}
