/**
 * Very large toolsets: every tool definition is sent to the model on each turn, so hundreds of
 * tools (or a few huge descriptions) crowd out the user's context and make selection unreliable.
 */

import type { Finding, ScannedServer } from '../types.js';

export interface SizeLimits {
  maxTools: number;
  maxDescriptionChars: number;
}

export const DEFAULT_SIZE_LIMITS: SizeLimits = { maxTools: 80, maxDescriptionChars: 60_000 };

function definitionChars(server: ScannedServer): number {
  return server.tools.reduce((n, t) => n + JSON.stringify({ d: t.description ?? '', s: t.inputSchema ?? {} }).length, 0);
}

export function checkSize(servers: ScannedServer[], limits: SizeLimits = DEFAULT_SIZE_LIMITS): Finding[] {
  const findings: Finding[] = [];
  let totalTools = 0;
  let totalChars = 0;
  for (const s of servers) {
    const chars = definitionChars(s);
    totalTools += s.tools.length;
    totalChars += chars;
    if (s.tools.length > limits.maxTools || chars > limits.maxDescriptionChars) {
      findings.push({
        code: 'SZ001',
        severity: 'medium',
        server: s.name,
        entity: { kind: 'server', name: s.name },
        message: `server "${s.name}" exposes ${s.tools.length} tools with ${chars} characters of definitions; this floods the model's context.`,
        evidence: `tools=${s.tools.length} chars=${chars} (limits ${limits.maxTools} / ${limits.maxDescriptionChars})`,
      });
    }
  }
  if (servers.length > 1 && (totalTools > limits.maxTools * 1.5 || totalChars > limits.maxDescriptionChars * 1.5)) {
    findings.push({
      code: 'SZ002',
      severity: 'low',
      server: '*',
      entity: { kind: 'server', name: '*' },
      message: `All servers together expose ${totalTools} tools (${totalChars} characters of definitions).`,
      evidence: `servers=${servers.length} tools=${totalTools} chars=${totalChars}`,
    });
  }
  return findings;
}
