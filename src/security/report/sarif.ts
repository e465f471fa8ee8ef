/**
 * SARIF 2.1.0 output for GitHub code scanning: one rule per check code, one result per finding.
 * Findings with a config file get a physicalLocation (repository-relative when possible); the
 * rest point at `mcp-server://<name>` as both a logical location and an artifact URI, because
 * GitHub requires at least one physical location per result.
 */

import { createHash } from 'node:crypto';
import { isAbsolute, relative, sep } from 'node:path';
import { CHECKS, checkInfo } from '../codes.js';
import type { Finding, Severity } from '../types.js';

const LEVEL: Record<Severity, 'note' | 'warning' | 'error'> = { low: 'note', medium: 'warning', high: 'error', critical: 'error' };
// GitHub ranks alerts by security-severity (0–10).
const SECURITY_SEVERITY: Record<Severity, string> = { low: '3.0', medium: '5.5', high: '8.0', critical: '9.5' };

export interface SarifOptions {
  /** Base directory for relative artifact URIs (the repository root in CI). */
  baseDir?: string;
  toolVersion?: string;
}

function artifactUri(f: Finding, baseDir: string): string {
  if (f.source && !/^https?:/.test(f.source)) {
    const rel = isAbsolute(f.source) ? relative(baseDir, f.source) : f.source;
    if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
    return `file://${f.source.split(sep).join('/')}`;
  }
  return `mcp-server://${encodeURIComponent(f.server)}`;
}

function fingerprint(f: Finding): string {
  return createHash('sha256')
    .update(`${f.code}\u0000${f.server}\u0000${f.entity.kind}\u0000${f.entity.name}\u0000${f.field ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

export function renderSarif(findings: Finding[], o: SarifOptions = {}): object {
  const baseDir = o.baseDir ?? process.cwd();
  const usedCodes = [...new Set(findings.map((f) => f.code))];
  const rules = [
    ...CHECKS.filter((c) => usedCodes.includes(c.code)),
    ...usedCodes.filter((c) => !checkInfo(c)).map((code) => ({ code, title: code, severity: 'medium' as Severity, help: code })),
  ];
  const ruleIndex = new Map(rules.map((r, i) => [r.code, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mcp-bastion-scan',
            informationUri: 'https://www.npmjs.com/package/mcp-bastion',
            version: o.toolVersion ?? '0.1.0',
            rules: rules.map((r) => ({
              id: r.code,
              name: r.title.replace(/[^A-Za-z0-9]+/g, ''),
              shortDescription: { text: r.title },
              fullDescription: { text: r.help },
              help: { text: r.help, markdown: `**${r.code} — ${r.title}**\n\n${r.help}\n\nSee docs/scan-checks.md.` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: ['security', 'mcp'], 'security-severity': SECURITY_SEVERITY[r.severity] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: ruleIndex.get(f.code) ?? 0,
          level: LEVEL[f.severity],
          message: { text: `${f.message}${f.evidence ? `\nEvidence: ${f.evidence}` : ''}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: artifactUri(f, baseDir) }, region: { startLine: 1 } },
              logicalLocations: [
                {
                  name: f.entity.name,
                  fullyQualifiedName: `${f.server}/${f.entity.kind}/${f.entity.name}`,
                  kind: f.entity.kind === 'tool' ? 'function' : 'member',
                },
              ],
            },
          ],
          partialFingerprints: { 'mcpBastion/v1': fingerprint(f) },
          properties: {
            severity: f.severity,
            server: f.server,
            entityKind: f.entity.kind,
            entityName: f.entity.name,
            'security-severity': SECURITY_SEVERITY[f.severity],
          },
        })),
      },
    ],
  };
}
