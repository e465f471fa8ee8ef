/**
 * Measure the scanner on a JSON-lines corpus kept outside the repository:
 *   node --import tsx scripts/eval-corpus.ts DIR [-v]
 * DIR holds poisoned.jsonl and/or benign.jsonl, one object per line:
 *   { "id", "source", "tool", "description", "params"?: { name: description }, "attack"?: class }
 * Each entry is scanned as a one-tool server; a tool counts as flagged with a finding of medium or
 * above on it. Prints recall (poisoned) and false-positive rate (benign), per attack class; -v lists
 * the misses and false positives.
 */
import { readFileSync } from 'node:fs';
import { scanTools, severityRank, type ToolDef } from '../src/security/index.js';
type Row = { id: string; source: string; tool: string; description: string; params?: Record<string, string>; attack?: string };
const read = (f: string): Row[] =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
function toTool(r: Row): ToolDef {
  const properties: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.params ?? {})) properties[k] = { type: 'string', description: v };
  return { name: r.tool || 'tool', description: r.description, inputSchema: { type: 'object', properties } } as ToolDef;
}
function flagged(r: Row): { hit: boolean; codes: string[] } {
  const f = scanTools([{ name: 'eval', tools: [toTool(r)] }]).filter(
    (x) => x.entity.kind === 'tool' && severityRank(x.severity) >= severityRank('medium'),
  );
  return { hit: f.length > 0, codes: f.map((x) => `${x.code}:${x.severity}`) };
}
const dir = process.argv[2] ?? '/tmp/public-eval';
const verbose = process.argv.includes('-v');
for (const kind of ['poisoned', 'benign'] as const) {
  let rows: Row[] = [];
  try {
    rows = read(`${dir}/${kind}.jsonl`);
  } catch {
    continue;
  }
  let n = 0;
  const byClass = new Map<string, [number, number]>();
  for (const r of rows) {
    const v = flagged(r);
    if (v.hit) n++;
    const c = byClass.get(r.attack ?? '-') ?? [0, 0];
    c[0] += v.hit ? 1 : 0;
    c[1]++;
    byClass.set(r.attack ?? '-', c);
    if (verbose && (kind === 'poisoned' ? !v.hit : v.hit))
      console.log(
        `${kind === 'poisoned' ? 'MISS' : 'FP'} ${r.id} ${r.tool} [${v.codes.join(',')}] ${r.description.replace(/\s+/g, ' ').slice(0, 300)} ${r.params ? JSON.stringify(r.params).slice(0, 200) : ''}`,
      );
  }
  console.log(
    `${kind}: ${n}/${rows.length} flagged (${(n / rows.length).toFixed(3)}) ${[...byClass].map(([k, [a, b]]) => `${k} ${a}/${b}`).join(', ')}`,
  );
}
