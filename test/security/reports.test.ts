import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/security/report/json.js';
import { renderSarif } from '../../src/security/report/sarif.js';
import { colorsFor, renderHuman } from '../../src/security/report/human.js';
import { scanTools, type Finding } from '../../src/security/index.js';
import { loadManifests } from './helpers.js';

const findings: Finding[] = scanTools(loadManifests('poisoned'));

/**
 * Structural checks of SARIF 2.1.0 (the parts of the OASIS schema GitHub code scanning
 * enforces): required properties, their types and enumerations. No network at test time.
 */
function validateSarif(doc: unknown): string[] {
  const errors: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const need = (cond: boolean, msg: string): void => {
    if (!cond) errors.push(msg);
  };
  if (!isObj(doc)) return ['root is not an object'];
  need(doc.version === '2.1.0', 'version must be "2.1.0"');
  need(typeof doc.$schema === 'string', '$schema should be a string');
  need(Array.isArray(doc.runs), 'runs must be an array');
  for (const [ri, run] of (Array.isArray(doc.runs) ? doc.runs : []).entries()) {
    if (!isObj(run)) {
      errors.push(`runs[${ri}] not an object`);
      continue;
    }
    const driver = isObj(run.tool) && isObj(run.tool.driver) ? run.tool.driver : undefined;
    need(driver !== undefined, `runs[${ri}].tool.driver required`);
    need(typeof driver?.name === 'string', 'driver.name required (string)');
    const rules = Array.isArray(driver?.rules) ? (driver?.rules as unknown[]) : [];
    const ids = new Set<string>();
    for (const [i, r] of rules.entries()) {
      if (!isObj(r)) {
        errors.push(`rules[${i}] not an object`);
        continue;
      }
      need(typeof r.id === 'string' && r.id.length > 0, `rules[${i}].id required`);
      need(!ids.has(String(r.id)), `rules[${i}].id duplicated`);
      ids.add(String(r.id));
      need(isObj(r.shortDescription) && typeof r.shortDescription.text === 'string', `rules[${i}].shortDescription.text required`);
      need(isObj(r.help) && typeof r.help.text === 'string', `rules[${i}].help.text required`);
      if (isObj(r.defaultConfiguration))
        need(['none', 'note', 'warning', 'error'].includes(String(r.defaultConfiguration.level)), `rules[${i}] bad level`);
      const sev = isObj(r.properties) ? r.properties['security-severity'] : undefined;
      need(
        sev === undefined || (typeof sev === 'string' && Number(sev) >= 0 && Number(sev) <= 10),
        `rules[${i}] security-severity must be "0".."10"`,
      );
    }
    need(Array.isArray(run.results), `runs[${ri}].results must be an array`);
    for (const [i, res] of (Array.isArray(run.results) ? run.results : []).entries()) {
      if (!isObj(res)) {
        errors.push(`results[${i}] not an object`);
        continue;
      }
      need(typeof res.ruleId === 'string' && ids.has(res.ruleId), `results[${i}].ruleId must name a rule`);
      if (res.ruleIndex !== undefined)
        need(
          Number.isInteger(res.ruleIndex) && (rules[res.ruleIndex as number] as { id?: string })?.id === res.ruleId,
          `results[${i}].ruleIndex must point at ruleId`,
        );
      need(['none', 'note', 'warning', 'error'].includes(String(res.level)), `results[${i}].level invalid`);
      need(
        isObj(res.message) && typeof res.message.text === 'string' && res.message.text.length > 0,
        `results[${i}].message.text required`,
      );
      const locs = Array.isArray(res.locations) ? res.locations : [];
      need(locs.length >= 1, `results[${i}] needs a location (GitHub requires one)`);
      for (const loc of locs) {
        const phys = isObj(loc) && isObj(loc.physicalLocation) ? loc.physicalLocation : undefined;
        need(
          isObj(phys?.artifactLocation) && typeof (phys?.artifactLocation as Record<string, unknown>).uri === 'string',
          `results[${i}] physicalLocation.artifactLocation.uri required`,
        );
        const region = phys?.region;
        if (region !== undefined)
          need(
            isObj(region) && Number.isInteger(region.startLine) && (region.startLine as number) >= 1,
            `results[${i}] region.startLine >= 1`,
          );
        if (isObj(loc) && loc.logicalLocations !== undefined)
          need(
            Array.isArray(loc.logicalLocations) && loc.logicalLocations.every((l) => isObj(l) && typeof l.name === 'string'),
            `results[${i}] logicalLocations[].name`,
          );
      }
      need(
        isObj(res.partialFingerprints) && Object.values(res.partialFingerprints).every((v) => typeof v === 'string'),
        `results[${i}].partialFingerprints must map to strings`,
      );
    }
  }
  return errors;
}

describe('JSON report', () => {
  it('has exactly the documented core shape', () => {
    const report = buildReport(
      [
        { name: 'poisoned-misc', status: 'ok', tools: 18 },
        { name: 'down', status: 'error', tools: 0, error: 'timed out' },
      ],
      findings,
    );
    expect(Object.keys(report)).toEqual(['version', 'servers', 'findings']);
    expect(report.version).toBe(1);
    expect(report.servers[0]).toEqual({ name: 'poisoned-misc', status: 'ok', tools: 18 });
    expect(report.servers[1]).toMatchObject({ name: 'down', status: 'error', tools: 0 });
    for (const f of report.findings) {
      expect(Object.keys(f).slice(0, 6)).toEqual(['code', 'severity', 'server', 'entity', 'message', 'evidence']);
      expect(['low', 'medium', 'high', 'critical']).toContain(f.severity);
      expect(['tool', 'prompt', 'resource', 'server', 'config']).toContain(f.entity.kind);
      expect(Object.keys(f.entity)).toEqual(['kind', 'name']);
      expect(typeof f.message).toBe('string');
      expect(typeof f.evidence).toBe('string');
    }
  });
});

describe('SARIF report', () => {
  it('passes the structural SARIF 2.1.0 checks GitHub code scanning applies', () => {
    const sarif = renderSarif(findings, { baseDir: process.cwd() });
    expect(validateSarif(sarif)).toEqual([]);
    expect(JSON.parse(JSON.stringify(sarif))).toEqual(sarif); // plain JSON, no undefined
  });

  it('uses repository-relative config paths, and mcp-server:// for servers without a file', () => {
    const sarif = renderSarif([
      {
        code: 'CF001',
        severity: 'medium',
        server: 'a',
        entity: { kind: 'config', name: 'a' },
        message: 'm',
        evidence: 'e',
        source: `${process.cwd()}/.mcp.json`,
      },
      { code: 'TP001', severity: 'high', server: 'remote one', entity: { kind: 'tool', name: 't' }, message: 'm', evidence: 'e' },
    ]) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uris = sarif.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri);
    expect(uris).toEqual(['.mcp.json', 'mcp-server://remote%20one']);
  });

  it('the validator itself rejects broken documents', () => {
    expect(
      validateSarif({ version: '2.0.0', runs: [{ tool: { driver: {} }, results: [{ ruleId: 'X', level: 'bad', message: {} }] }] }).length,
    ).toBeGreaterThan(3);
  });
});

describe('human report', () => {
  it('groups by server and has no colour codes off a TTY or with NO_COLOR', () => {
    const text = renderHuman(
      [{ name: 'poisoned-misc', status: 'ok', tools: 18 }],
      findings.filter((f) => f.server === 'poisoned-misc'),
      colorsFor({ isTTY: true }, { NO_COLOR: '1' }),
    );
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toMatch(/^poisoned-misc {2}ok, 18 tools/);
    expect(text).toContain('Summary: 1 server(s)');
    expect(renderHuman([], [], colorsFor({ isTTY: false }, {}))).not.toMatch(/\u001b\[/);
  });
});
