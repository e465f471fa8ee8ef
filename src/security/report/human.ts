/**
 * Human report: findings grouped by server, worst first, with the server's status line.
 * Colours come from picocolors and are switched off for NO_COLOR or a non-TTY stream.
 */

import pc from 'picocolors';
import type { ServerSummary } from './json.js';
import type { Finding, Severity } from '../types.js';
import { formatTrace, type TraceEntry } from '../detect/engine.js';
import { MODEL_PROBABILITY } from '../detect/thresholds.js';

type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colors {
  const enabled = Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return pc.createColors(enabled);
}

function badge(c: Colors, s: Severity): string {
  const label = s.toUpperCase().padEnd(8);
  if (s === 'critical') return c.bold(c.red(label));
  if (s === 'high') return c.red(label);
  if (s === 'medium') return c.yellow(label);
  return c.dim(label);
}

interface Explained {
  score?: number;
  decidedBy?: string;
  trace?: TraceEntry[];
  model?: { probability: number; field: string };
}

function explainLines(f: Finding, c: Colors): string[] {
  const x = f.explain as Explained | undefined;
  if (!x) return [c.dim('           explain: decided by the check itself (no scored text)')];
  const out = [`           ${c.bold('explain:')} score ${x.score ?? '?'}, decided by ${x.decidedBy ?? 'n/a'}`];
  for (const line of formatTrace(x.trace ?? [])) out.push(c.dim(`             ${line}`));
  if (x.model)
    out.push(
      c.dim(`             model:logreg p=${x.model.probability} (strongest field ${x.model.field}; counts at >= ${MODEL_PROBABILITY})`),
    );
  return out;
}

export function renderHuman(servers: ServerSummary[], findings: Finding[], c: Colors, opts: { explain?: boolean } = {}): string {
  const lines: string[] = [];
  const names = [...new Set([...servers.map((s) => s.name), ...findings.map((f) => f.server)])];
  for (const name of names) {
    const s = servers.find((x) => x.name === name);
    const own = findings.filter((f) => f.server === name);
    const status = !s
      ? c.dim('(all servers)')
      : s.status === 'ok'
        ? c.green(`ok, ${s.tools} tools`)
        : c.red(`not scanned: ${s.error ?? 'error'}`);
    lines.push(`${c.bold(name)}  ${status}${s?.source ? c.dim(`  ${s.source}`) : ''}`);
    if (s?.status === 'error' && s.stderr) {
      for (const l of s.stderr.split('\n').slice(-8)) lines.push(c.dim(`    │ ${l}`));
    }
    for (const f of own) {
      lines.push(`  ${badge(c, f.severity)} ${c.cyan(f.code)} ${f.entity.kind} ${c.bold(f.entity.name)}`);
      lines.push(`           ${f.message}`);
      if (f.evidence) for (const l of f.evidence.split('\n').slice(0, 6)) lines.push(c.dim(`           ${l.slice(0, 200)}`));
      if (opts.explain) lines.push(...explainLines(f, c));
    }
    if (own.length === 0 && s?.status === 'ok') lines.push(c.dim('  no findings'));
    lines.push('');
  }
  const counts = (['critical', 'high', 'medium', 'low'] as const).map(
    (sev) => `${findings.filter((f) => f.severity === sev).length} ${sev}`,
  );
  const failed = servers.filter((s) => s.status === 'error').length;
  lines.push(
    `${c.bold('Summary:')} ${servers.length} server(s)${failed ? c.red(`, ${failed} not scanned`) : ''}; findings: ${counts.join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
