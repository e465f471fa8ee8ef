/**
 * `scanTools`: run every static check over a set of servers and return findings in the exact
 * shape of the CLI's `--json` output, so a runtime guard can reuse the same verdicts.
 */

import { checkConfig } from './checks/config-risks.js';
import { checkExfilParams } from './checks/exfil-params.js';
import { checkToxicFlows } from './checks/flows.js';
import { checkEntityText } from './checks/poisoning.js';
import { checkCrossReferences, checkNames } from './checks/shadowing.js';
import { checkSize, DEFAULT_SIZE_LIMITS } from './checks/size.js';
import { serverEntities } from './texts.js';
import { severityRank, type AllowlistEntry, type Finding, type ScanOptions, type ScannedServer, type Severity } from './types.js';

function allowed(f: Finding, list: AllowlistEntry[]): boolean {
  return list.some((e) => {
    if (e.code !== f.code && e.code !== '*') return false;
    if (e.server !== undefined && e.server !== f.server) return false;
    if (e.entity !== undefined && e.entity !== f.entity.name && e.entity !== `${f.entity.kind}:${f.entity.name}`) return false;
    return true;
  });
}

/** Drop ignored codes and allow-listed findings. */
export function filterFindings(findings: Finding[], options: Pick<ScanOptions, 'ignore' | 'allowlist'> = {}): Finding[] {
  const ignore = new Set((options.ignore ?? []).map((c) => c.toUpperCase()));
  const list = options.allowlist ?? [];
  return findings.filter((f) => !ignore.has(f.code.toUpperCase()) && !allowed(f, list));
}

/** Highest severity first, then server, entity and code, so output is stable across runs. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.server.localeCompare(b.server) ||
      a.entity.name.localeCompare(b.entity.name) ||
      a.code.localeCompare(b.code),
  );
}

export function scanTools(servers: ScannedServer[], options: ScanOptions = {}): Finding[] {
  const findings: Finding[] = [];
  for (const server of servers) {
    // Sibling tools: "use the complete_migration tool next" names the same server, not another one.
    const ctx = {
      server: server.name,
      source: server.source,
      siblings: server.tools.map((t) => t.name.toLowerCase()),
      model: options.model ?? true,
    };
    for (const entity of serverEntities(server)) findings.push(...checkEntityText(entity, ctx));
    for (const tool of server.tools) findings.push(...checkExfilParams(tool, server.name));
    if (server.config) findings.push(...checkConfig(server.config));
  }
  findings.push(...checkNames(servers));
  findings.push(...checkCrossReferences(servers));
  if (options.flows !== false) {
    // Accepted (ignored / allow-listed) findings do not escalate a flow.
    const tainted = new Set(
      filterFindings(findings, options)
        .filter((f) => f.entity.kind === 'tool' && /^(?:TP|DT|HC)/.test(f.code) && f.severity !== 'low')
        .map((f) => `${f.server}/${f.entity.name}`),
    );
    findings.push(...checkToxicFlows(servers, tainted));
  }
  findings.push(
    ...checkSize(servers, {
      maxTools: options.maxTools ?? DEFAULT_SIZE_LIMITS.maxTools,
      maxDescriptionChars: options.maxDescriptionChars ?? DEFAULT_SIZE_LIMITS.maxDescriptionChars,
    }),
  );
  // Attach the source so SARIF can point at the config file.
  const sourceOf = new Map(servers.map((s) => [s.name, s.source ?? s.config?.source]));
  for (const f of findings) if (!f.source && sourceOf.get(f.server)) f.source = sourceOf.get(f.server);
  return sortFindings(filterFindings(findings, options));
}

/** True when any finding is at or above the threshold. */
export function hasFindingsAtOrAbove(findings: Finding[], threshold: Severity): boolean {
  return findings.some((f) => severityRank(f.severity) >= severityRank(threshold));
}
