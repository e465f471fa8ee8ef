import { describe, expect, it } from 'vitest';
import { scanTools, severityRank, type ScannedServer } from '../../src/security/index.js';
import { loadManifests } from './helpers.js';

/**
 * Generalisation check. The held-out sets were written after the rules, in other words and
 * styles, and measured before any rule change; the figures at that moment are recorded in
 * docs/scan-checks.md. Sets 1–5 later informed general rules; set 6 was never used for tuning.
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
});
