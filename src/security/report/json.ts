/**
 * The `--json` document. Its shape is a contract (acceptance checks and CI read it):
 * `{ version: 1, servers: [{ name, status, tools }], findings: [{ code, severity, server,
 * entity: { kind, name }, message, evidence, ...extras }] }`. Extras never replace a core field.
 */

import type { Finding } from '../types.js';

export interface ServerSummary {
  name: string;
  status: 'ok' | 'error';
  tools: number;
  /** Extras: why a server could not be scanned, and where it came from. */
  error?: string;
  stderr?: string;
  source?: string;
  prompts?: number;
  resources?: number;
}

export interface ScanReport {
  version: 1;
  servers: ServerSummary[];
  findings: Finding[];
}

export function buildReport(servers: ServerSummary[], findings: Finding[]): ScanReport {
  return {
    version: 1,
    servers: servers.map((s) => {
      const out: ServerSummary = { name: s.name, status: s.status, tools: s.tools };
      for (const k of ['error', 'stderr', 'source', 'prompts', 'resources'] as const)
        if (s[k] !== undefined) Object.assign(out, { [k]: s[k] });
      return out;
    }),
    findings: findings.map((f) => {
      // Core fields first and always present, in the documented order.
      const { code, severity, server, entity, message, evidence, ...extra } = f;
      return { code, severity, server, entity: { kind: entity.kind, name: entity.name }, message, evidence: evidence ?? '', ...extra };
    }),
  };
}

export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
