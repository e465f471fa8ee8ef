import { describe, expect, it } from 'vitest';
import { scanTools, severityRank, type ScannedServer } from '../../src/security/index.js';
import { explainTool, loadManifests } from './helpers.js';

/**
 * Generalisation check. The held-out sets were written after the rules, in other words and
 * styles, and measured before any rule change; the figures at that moment are recorded in
 * docs/scan-checks.md. Sets 1–6, 8 and 9 later informed general rules; sets 7 and 10 were never
 * used for tuning (10 was written after the structural signals and is the honest figure; 11 was
 * written after the multilingual vocabularies and measured once, never tuned on; 12 was written after
 * the cross-sentence rules, measured once at 0.77, and its misses then informed general fixes).
 * The floors are the values reached, rounded down, so that regressions fail.
 */
const FLOORS: Record<string, number> = {
  'heldout-poisoned': 1,
  'heldout2-poisoned': 1,
  'heldout3-poisoned': 1,
  'heldout4-poisoned': 0.92,
  'heldout5-poisoned': 1,
  'heldout6-poisoned': 1,
  'heldout7-poisoned': 0.7,
  'heldout8-poisoned': 1,
  'heldout9-poisoned': 1,
  'heldout10-poisoned': 1,
  'heldout11-poisoned': 1,
  // Set 12 was written after the cross-sentence / trust-transfer / planted-value / title rules and
  // measured once at 27/35 (0.77); its eight misses then informed general fixes, so it is no longer unseen.
  'heldout12-poisoned': 1,
  // Set 13 restates, in our own words, the classes two public corpora showed we missed (wrapped
  // docstrings, keyword tags, interpreter pipes, preference manipulation, hooked operations, passive
  // forwarding, telemetry capture, credential sweeps); written after the fixes, so a regression guard only.
  'heldout13-poisoned': 1,
};

/** Per manifest: counts, plus the explain trace of every flagged and every unflagged tool for failure messages. */
function perFile(servers: ScannedServer[]): { name: string; total: number; flagged: number; hits: string[]; misses: string[] }[] {
  return servers.map((s) => {
    const findings = scanTools([s]);
    const isFlagged = (name: string): boolean =>
      findings.some((f) => f.entity.kind === 'tool' && f.entity.name === name && severityRank(f.severity) >= severityRank('medium'));
    const hits = s.tools.filter((t) => isFlagged(t.name)).map((t) => `${s.name}/${t.name}: ${explainTool(t, findings, s.name)}`);
    const misses = s.tools.filter((t) => !isFlagged(t.name)).map((t) => `${s.name}/${t.name}: ${explainTool(t, findings, s.name)}`);
    return { name: s.name, total: s.tools.length, flagged: hits.length, hits, misses };
  });
}

describe('held-out sets (generalisation)', () => {
  it('prints held-out recall per set and keeps overall recall above a regression floor', () => {
    const rows = perFile(loadManifests('heldout'));
    const total = rows.reduce((n, r) => n + r.total, 0);
    const flagged = rows.reduce((n, r) => n + r.flagged, 0);
    console.log(
      `held-out poisoned: ${rows.map((r) => `${r.name} ${r.flagged}/${r.total}`).join(', ')}; overall recall ${(flagged / total).toFixed(3)}`,
    );
    const misses = rows.flatMap((r) => r.misses).join('\n  ');
    expect(flagged / total, `missed:\n  ${misses}`).toBeGreaterThanOrEqual(0.93);
    for (const r of rows)
      expect(r.flagged / r.total, `${r.name} missed:\n  ${r.misses.join('\n  ')}`).toBeGreaterThanOrEqual(FLOORS[r.name] ?? 1);
  });

  it('flags nothing in the security-adjacent benign set (secret managers, mailers, webhooks, warnings, encoders, 8 languages)', () => {
    const rows = perFile(loadManifests('heldout-benign').filter((s) => s.name === 'heldout-benign-security-adjacent'));
    expect(rows[0]?.total).toBeGreaterThanOrEqual(60);
    expect(rows[0]?.flagged, `flagged:\n  ${rows[0]?.hits.join('\n  ')}`).toBe(0);
  });

  it('flags nothing in the second synthetic benign set (multilingual, security-adjacent wording)', () => {
    const rows = perFile(loadManifests('heldout-benign').filter((s) => s.name === 'heldout-benign-synthetic-2'));
    expect(rows[0]?.total).toBeGreaterThanOrEqual(40);
    expect(rows[0]?.flagged, `flagged:\n  ${rows[0]?.hits.join('\n  ')}`).toBe(0);
  });

  it('flags nothing in the third synthetic benign set (secrets named in one sentence and moved or linked in the next, payments, tracking links, AI titles)', () => {
    const rows = perFile(loadManifests('heldout-benign').filter((s) => s.name === 'heldout-benign-synthetic-3'));
    expect(rows[0]?.total).toBeGreaterThanOrEqual(30);
    expect(rows[0]?.flagged, `flagged:\n  ${rows[0]?.hits.join('\n  ')}`).toBe(0);
  });

  it('flags nothing in the benign counterparts of the public-corpus classes (API-key admin, vault paths, password managers, brevity notes, product-family prerequisites, doc section tags)', () => {
    const rows = perFile(loadManifests('heldout-benign').filter((s) => s.name === 'heldout-benign-public-classes'));
    expect(rows[0]?.total).toBeGreaterThanOrEqual(13);
    expect(rows[0]?.flagged, `flagged:\n  ${rows[0]?.hits.join('\n  ')}`).toBe(0);
  });

  it('prints held-out benign false-positive rate (other real servers + synthetic tricky tools)', () => {
    const rows = perFile(loadManifests('heldout-benign'));
    const total = rows.reduce((n, r) => n + r.total, 0);
    const flagged = rows.reduce((n, r) => n + r.flagged, 0);
    console.log(`held-out benign: ${flagged}/${total} flagged, FPR ${(flagged / total).toFixed(4)}`);
    expect(flagged / total, `flagged:\n  ${rows.flatMap((r) => r.hits).join('\n  ')}`).toBeLessThanOrEqual(0.02);
  });

  it('prints the figure for all benign servers scanned together (cross-server checks and flows included)', () => {
    const servers = [...loadManifests('benign'), ...loadManifests('heldout-benign')];
    const findings = scanTools(servers);
    const total = servers.reduce((n, s) => n + s.tools.length, 0);
    const flagged = new Set(
      findings
        .filter((f) => f.entity.kind === 'tool' && severityRank(f.severity) >= severityRank('medium'))
        .map((f) => `${f.server}/${f.entity.name}`),
    );
    const codes = [
      ...new Set(findings.filter((f) => f.entity.kind === 'tool' && severityRank(f.severity) >= severityRank('medium')).map((f) => f.code)),
    ];
    console.log(
      `all benign servers together: ${flagged.size}/${total} tools with a finding >= medium (${codes.join(', ') || 'none'}); these are cross-server toxic flows, which are real composition risks`,
    );
    // Only composition findings may appear when unrelated honest servers are combined.
    expect(codes.every((c) => c.startsWith('TF'))).toBe(true);
  });
});
