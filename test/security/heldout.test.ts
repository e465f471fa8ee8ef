import { describe, expect, it } from 'vitest';
import { scanTools, severityRank, type ScannedServer } from '../../src/security/index.js';
import { loadManifests } from './helpers.js';

/**
 * Generalisation check. The held-out sets were written after the rules, in other words and
 * styles, and measured before any rule change; the figures at that moment are recorded in
 * docs/scan-checks.md. Sets 1–6 later informed general rules; set 7 was never used for tuning.
 * The floors here only guard against regressions.
 */
function perFile(servers: ScannedServer[]): { name: string; total: number; flagged: number }[] {
  return servers.map((s) => {
    const findings = scanTools([s]);
    const flagged = s.tools.filter((t) => findings.some((f) => f.entity.kind === 'tool' && f.entity.name === t.name && severityRank(f.severity) >= severityRank('medium'))).length;
    return { name: s.name, total: s.tools.length, flagged };
  });
}

describe('held-out sets (generalisation)', () => {
  it('prints held-out recall per set and keeps overall recall above a regression floor', () => {
    const rows = perFile(loadManifests('heldout'));
    const total = rows.reduce((n, r) => n + r.total, 0);
    const flagged = rows.reduce((n, r) => n + r.flagged, 0);
    console.log(`held-out poisoned: ${rows.map((r) => `${r.name} ${r.flagged}/${r.total}`).join(', ')}; overall recall ${(flagged / total).toFixed(3)}`);
    expect(flagged / total).toBeGreaterThanOrEqual(0.75);
  });

  it('prints held-out benign false-positive rate (other real servers + synthetic tricky tools)', () => {
    const rows = perFile(loadManifests('heldout-benign'));
    const total = rows.reduce((n, r) => n + r.total, 0);
    const flagged = rows.reduce((n, r) => n + r.flagged, 0);
    console.log(`held-out benign: ${flagged}/${total} flagged, FPR ${(flagged / total).toFixed(4)}`);
    expect(flagged / total).toBeLessThanOrEqual(0.02);
  });

  it('prints the figure for all benign servers scanned together (cross-server checks and flows included)', () => {
    const servers = [...loadManifests('benign'), ...loadManifests('heldout-benign')];
    const findings = scanTools(servers);
    const total = servers.reduce((n, s) => n + s.tools.length, 0);
    const flagged = new Set(findings.filter((f) => f.entity.kind === 'tool' && severityRank(f.severity) >= severityRank('medium')).map((f) => `${f.server}/${f.entity.name}`));
    const codes = [...new Set(findings.filter((f) => f.entity.kind === 'tool' && severityRank(f.severity) >= severityRank('medium')).map((f) => f.code))];
    console.log(`all benign servers together: ${flagged.size}/${total} tools with a finding >= medium (${codes.join(', ') || 'none'}); these are cross-server toxic flows, which are real composition risks`);
    // Only composition findings may appear when unrelated honest servers are combined.
    expect(codes.every((c) => c.startsWith('TF'))).toBe(true);
  });
});
