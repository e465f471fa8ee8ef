import { describe, expect, it } from 'vitest';
import { scanTools, severityRank, type Finding, type ScannedServer } from '../../src/security/index.js';
import { explainTool, loadManifests } from './helpers.js';

/** Per-tool verdicts: a tool counts as flagged when any finding on it is medium or worse. */
function flaggedTools(servers: ScannedServer[]): { total: number; flagged: number; misses: string[]; hits: Finding[] } {
  let total = 0;
  let flagged = 0;
  const misses: string[] = [];
  const hits: Finding[] = [];
  // Each manifest is scanned on its own, as a user scanning that one server would.
  for (const server of servers) {
    const findings = scanTools([server]);
    for (const tool of server.tools) {
      total++;
      const own = findings.filter(
        (f) => f.entity.kind === 'tool' && f.entity.name === tool.name && severityRank(f.severity) >= severityRank('medium'),
      );
      if (own.length > 0) {
        flagged++;
        hits.push(...own);
      } else misses.push(`${server.name}/${tool.name}: ${explainTool(tool, findings, server.name)}`);
    }
  }
  return { total, flagged, misses, hits };
}

describe('detection quality on fixtures', () => {
  const poisoned = loadManifests('poisoned');
  const benign = loadManifests('benign');

  it('has a varied poisoned set (>= 120 tools) and a real benign set (>= 200 tools)', () => {
    expect(poisoned.reduce((n, s) => n + s.tools.length, 0)).toBeGreaterThanOrEqual(120);
    expect(benign.reduce((n, s) => n + s.tools.length, 0)).toBeGreaterThanOrEqual(200);
  });

  it('flags >= 95% of poisoned tools at medium or above (recall)', () => {
    const r = flaggedTools(poisoned);
    const recall = r.flagged / r.total;
    console.log(`poisoned: ${r.flagged}/${r.total} flagged, recall ${recall.toFixed(3)}`);
    expect(recall, `missed:\n  ${r.misses.join('\n  ')}`).toBeGreaterThanOrEqual(0.95);
  });

  it('flags <= 2% of benign tools from popular servers at medium or above (false-positive rate)', () => {
    const r = flaggedTools(benign);
    const fpr = r.flagged / r.total;
    const detail = r.hits.map(
      (f) =>
        `${f.server}/${f.entity.name} ${f.code} ${f.severity}: ${f.evidence.slice(0, 80)} [decided by ${(f.explain as { decidedBy?: string } | undefined)?.decidedBy ?? f.code}]`,
    );
    console.log(`benign: ${r.flagged}/${r.total} flagged, FPR ${fpr.toFixed(4)}${detail.length ? `\n  ${detail.join('\n  ')}` : ''}`);
    expect(fpr, `false positives:\n  ${detail.join('\n  ')}`).toBeLessThanOrEqual(0.02);
  });

  it('poisoned fixtures exercise every hidden-content and data-theft code', () => {
    const codes = new Set(poisoned.flatMap((s) => scanTools([s]).map((f) => f.code)));
    for (const code of ['TP001', 'DT001', 'DT002', 'HC001', 'HC002', 'HC003', 'HC004', 'HC005', 'HC006', 'HC007', 'HC008', 'SH004']) {
      expect(codes, code).toContain(code);
    }
  });
});
