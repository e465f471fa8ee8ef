/**
 * Side-by-side detection figures for mcp-shield (riseandignite/mcp-shield) and `mcp-bastion scan`
 * on the same tools, offline:
 *   MCP_SHIELD_DIR=/tmp/mcp-shield npx tsx scripts/peers/measure-mcp-shield.ts [--detail]
 * MCP_SHIELD_DIR is a checkout of mcp-shield (built with `npm install && npm run build`, or at least
 * with its sources and dependencies); its analyzer is imported from there at run time, nothing of it
 * lives in this repository. Its optional Claude pass is never called.
 *
 * Counting follows docs/scan-checks.md and test/security/detection-quality.test.ts: per tool, each
 * server scanned on its own; ours counts a tool as flagged when a finding on it is medium or worse.
 * mcp-shield's scanner (src/scanner.ts) turns a tool into a vulnerability when any of its four
 * per-tool checks matches (hidden instructions, exfiltration parameter names, shadowing, sensitive
 * file access), rated HIGH for shadowing or sensitive files and MEDIUM otherwise; there is no lower
 * per-tool rating, so "any finding" and "MEDIUM or HIGH" are the same reading, the one used here.
 * Its cross-origin check runs only when a config lists more than one server; the second mcp-shield
 * column puts all servers of a set into one config (a tool named in a cross-origin match counts as
 * flagged, MEDIUM), the first scans each server alone as our column does.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scanTools, severityRank, type ScannedServer, type ToolDef } from '../../src/security/index.js';
import { loadManifests } from '../../test/security/helpers.js';

interface Match {
  type: string;
}
interface Detection {
  detected: boolean;
  matches: Match[];
}
interface ShieldAnalyzer {
  detectHiddenInstructions(description?: string): Detection;
  detectExfiltrationChannels(inputSchema?: unknown): Detection;
  detectToolShadowing(description?: string): Detection;
  detectSensitiveFileAccess(description?: string): Detection;
  detectCrossOriginViolations(
    description: string | undefined,
    otherServerNames: string[] | undefined,
    currentServerName: string,
    safeList?: string[],
  ): Detection;
}

const ROOT = join(import.meta.dirname, '..', '..');
/** --detail lists, per set, the counts per server (fixture sets) and every poisoned tool that either tool missed and every benign tool that either flagged. */
const detail = process.argv.includes('--detail');

async function loadShield(): Promise<ShieldAnalyzer> {
  const dir = process.env.MCP_SHIELD_DIR;
  if (!dir) {
    console.error(
      'MCP_SHIELD_DIR is not set: point it at a checkout of riseandignite/mcp-shield, e.g. MCP_SHIELD_DIR=/tmp/mcp-shield npx tsx scripts/peers/measure-mcp-shield.ts',
    );
    process.exit(2);
  }
  const candidates = [join(dir, 'dist', 'analyzers', 'tool-analyzer.js'), join(dir, 'src', 'analyzers', 'tool-analyzer.ts')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    console.error(`MCP_SHIELD_DIR=${dir} has neither ${candidates.join(' nor ')}; is it an mcp-shield checkout?`);
    process.exit(2);
  }
  return (await import(pathToFileURL(file).href)) as ShieldAnalyzer;
}

/** mcp-shield's per-tool verdict, combined as its scanMcpServer does; undefined when nothing matched. */
function shieldTool(a: ShieldAnalyzer, tool: ToolDef): { severity: 'HIGH' | 'MEDIUM'; rules: string[] } | undefined {
  const hidden = a.detectHiddenInstructions(tool.description);
  const exfil = a.detectExfiltrationChannels(tool.inputSchema);
  const shadow = a.detectToolShadowing(tool.description);
  const files = a.detectSensitiveFileAccess(tool.description);
  if (!hidden.detected && !exfil.detected && !shadow.detected && !files.detected) return undefined;
  const rules = [hidden, exfil, shadow, files].flatMap((d) => d.matches.map((m) => m.type));
  return { severity: shadow.detected || files.detected ? 'HIGH' : 'MEDIUM', rules };
}

interface Tally {
  tools: number;
  shieldAlone: number;
  shieldConfig: number;
  ours: number;
  shieldRules: Map<string, number>;
  shieldHigh: number;
  notes: string[];
  perServer: string[];
}

/**
 * Scans one set. `servers` is how our scanner and mcp-shield-alone see it (each server on its own);
 * `config` groups the same tool objects into the servers of one mcp-shield config.
 */
function measure(a: ShieldAnalyzer, servers: ScannedServer[], config: ScannedServer[], poisoned: boolean): Tally {
  const t: Tally = { tools: 0, shieldAlone: 0, shieldConfig: 0, ours: 0, shieldRules: new Map(), shieldHigh: 0, notes: [], perServer: [] };
  const crossFlagged = new Set<ToolDef>();
  if (config.length > 1) {
    for (const s of config) {
      const others = config.filter((o) => o !== s).map((o) => o.name);
      for (const tool of s.tools)
        if (tool.description && a.detectCrossOriginViolations(tool.description, others, s.name).detected) crossFlagged.add(tool);
    }
  }
  for (const server of servers) {
    const findings = scanTools([server]);
    const before = { shield: t.shieldAlone, ours: t.ours };
    for (const tool of server.tools) {
      t.tools++;
      const ours = findings.some(
        (f) => f.entity.kind === 'tool' && f.entity.name === tool.name && severityRank(f.severity) >= severityRank('medium'),
      );
      const sh = shieldTool(a, tool);
      if (ours) t.ours++;
      if (sh) {
        t.shieldAlone++;
        if (sh.severity === 'HIGH') t.shieldHigh++;
        for (const r of new Set(sh.rules)) t.shieldRules.set(r, (t.shieldRules.get(r) ?? 0) + 1);
      }
      if (sh || crossFlagged.has(tool)) t.shieldConfig++;
      const crossOnly = !sh && crossFlagged.has(tool);
      const shown = poisoned ? !sh || !ours : Boolean(sh) || ours || crossOnly;
      if (detail && shown)
        t.notes.push(
          `${server.name}/${tool.name}: mcp-shield ${sh ? `${sh.severity} ${sh.rules.join(', ')}` : crossOnly ? 'cross-origin only' : '-'}; ours ${ours ? 'flagged' : '-'}: ${(tool.description ?? '').replace(/\s+/g, ' ').slice(0, 140)}`,
        );
    }
    t.perServer.push(
      `${server.name}: ${server.tools.length} tools, mcp-shield ${t.shieldAlone - before.shield}, ours ${t.ours - before.ours}`,
    );
  }
  return t;
}

interface CorpusRecord {
  source: string;
  label: 0 | 1;
  kind: string;
  text: string;
}

/** data/detector records as one-tool servers (text as the description), and the same tools grouped per source file. */
function corpus(filter: (r: CorpusRecord) => boolean): { servers: ScannedServer[]; config: ScannedServer[] } {
  const dir = join(ROOT, 'data', 'detector');
  const servers: ScannedServer[] = [];
  const config: ScannedServer[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.jsonl'))
    .sort()) {
    const tools = readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as CorpusRecord)
      .filter(filter)
      .map((r): ToolDef => ({ name: 'tool', description: r.text, inputSchema: { type: 'object', properties: {} } }));
    if (tools.length === 0) continue;
    const name = f.replace(/\.jsonl$/, '');
    tools.forEach((tool, i) => servers.push({ name: `${name}-${i}`, tools: [tool] }));
    config.push({ name, tools });
  }
  return { servers, config };
}

const pct = (n: number, d: number): string => `${n}/${d} (${(n / d).toFixed(3)})`;

async function main(): Promise<void> {
  const a = await loadShield();
  const fixtures = (folder: string): { servers: ScannedServer[]; config: ScannedServer[] } => {
    const servers = loadManifests(folder);
    return { servers, config: servers };
  };
  const sets: { label: string; poisoned: boolean; data: { servers: ScannedServer[]; config: ScannedServer[] } }[] = [
    { label: 'held-out poisoned (`heldout/`, 13 sets)', poisoned: true, data: fixtures('heldout') },
    { label: 'tuned poisoned (`poisoned/`)', poisoned: true, data: fixtures('poisoned') },
    { label: 'held-out benign (`heldout-benign/`)', poisoned: false, data: fixtures('heldout-benign') },
    { label: 'benign (`benign/`)', poisoned: false, data: fixtures('benign') },
    { label: 'data/detector attack texts (label 1)', poisoned: true, data: corpus((r) => r.label === 1) },
    {
      label: 'data/detector benign tool descriptions (label 0)',
      poisoned: false,
      data: corpus((r) => r.label === 0 && r.kind === 'tool-description'),
    },
    {
      label: 'data/detector benign tool output (label 0)',
      poisoned: false,
      data: corpus((r) => r.label === 0 && r.kind !== 'tool-description'),
    },
  ];
  const rows: string[] = [];
  const extra: string[] = [];
  for (const s of sets) {
    const t = measure(a, s.data.servers, s.data.config, s.poisoned);
    const what = s.poisoned ? 'recall' : 'FPR';
    rows.push(
      `| ${s.label} | ${t.tools} | ${what} ${pct(t.shieldAlone, t.tools)} | ${what} ${pct(t.shieldConfig, t.tools)} | ${what} ${pct(t.ours, t.tools)} |`,
    );
    const top = [...t.shieldRules]
      .sort((x, y) => y[1] - x[1])
      .slice(0, 5)
      .map(([r, n]) => `${r} ${n}`)
      .join(', ');
    extra.push(`- ${s.label}: mcp-shield HIGH on ${t.shieldHigh} of ${t.shieldAlone} flagged; most frequent rules: ${top || 'none'}`);
    if (detail && t.perServer.length <= 40) extra.push(...t.perServer.map((n) => `  - ${n}`));
    if (detail) extra.push(...t.notes.map((n) => `  - ${n}`));
  }
  console.log(
    [
      '| set | tools | mcp-shield, each server alone (flagged = any finding, i.e. its MEDIUM or HIGH) | mcp-shield, set as one config (adds its cross-origin check) | `mcp-bastion scan`, each server alone (flagged = finding ≥ medium) |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
  console.log(`\n${extra.join('\n')}`);
}

await main();
