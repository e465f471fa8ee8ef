import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatTrace, scoreText, type Finding, type ScannedServer, type ToolDef, type TraceEntry } from '../../src/security/index.js';
import { RULE_DOCS } from '../../src/security/detect/rule-docs.js';
import { toolTexts } from '../../src/security/texts.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scan');

interface Manifest {
  server: string;
  tools: ToolDef[];
}

/** Every manifest in a fixture folder, one ScannedServer per manifest. */
export function loadManifests(folder: string): ScannedServer[] {
  const dir = join(FIXTURES, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Manifest | Manifest[];
      return (Array.isArray(raw) ? raw : [raw]).map((m) => ({ name: m.server, tools: m.tools, source: join(dir, f) }));
    });
}

/**
 * Why a tool got its verdict, for test failure messages: the explain trace of its scored findings,
 * or, for a tool with none, the trace of its text scored on its own (what fell short).
 */
export function explainTool(tool: ToolDef, findings: Finding[], server: string): string {
  const own = findings.filter((f) => f.server === server && f.entity.kind === 'tool' && f.entity.name === tool.name);
  const explained = own.find((f) => f.explain !== undefined);
  if (explained) {
    const x = explained.explain as { score?: number; decidedBy?: string; trace?: TraceEntry[] };
    return `${explained.code} ${explained.severity} score ${x.score} decided by ${x.decidedBy}: ${formatTrace(x.trace ?? []).join(' | ')}`;
  }
  if (own.length > 0) return own.map((f) => `${f.code} ${f.severity}: ${f.evidence.slice(0, 100)}`).join(' | ');
  const text = toolTexts(tool)
    .texts.map((t) => t.text)
    .join('\n');
  const v = scoreText(text);
  return `no finding; text scores ${v.score}: ${formatTrace(v.trace).join(' | ') || '(no signal)'}`;
}

function strings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith('.json') ? [p] : [];
  });
}

/**
 * Tests that run every rule or matcher over the whole corpus take ~20 s alone and more when other
 * test files share the two cores; they get this instead of the default 30 s.
 */
export const CORPUS_TIMEOUT_MS = 180_000;

/** Every distinct text this repository has: the detector's training corpora, every string of the scan fixtures, the rule examples. */
export function corpus(): string[] {
  const texts: string[] = [];
  const data = join(import.meta.dirname, '..', '..', 'data', 'detector');
  for (const f of readdirSync(data).filter((f) => f.endsWith('.jsonl')))
    for (const line of readFileSync(join(data, f), 'utf8').split('\n'))
      if (line.trim()) texts.push((JSON.parse(line) as { text: string }).text);
  for (const f of jsonFiles(FIXTURES)) strings(JSON.parse(readFileSync(f, 'utf8')), texts);
  for (const d of Object.values(RULE_DOCS)) texts.push(...d.examples.hit, ...d.examples.miss);
  return [...new Set(texts.filter((t) => t.length > 0))];
}
