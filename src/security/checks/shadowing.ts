/**
 * Cross-server shadowing: one server's text steering another server's tools, tools that
 * impersonate another tool's name (confusable skeletons), and plain duplicate names that let
 * the last-loaded server win.
 */

import { isSpoofyIdentifier, nameKey } from '../confusables.js';
import { visibleText } from '../hidden.js';
import { normalizeForRules } from '../signals.js';
import { serverEntities } from '../texts.js';
import type { Finding, ScannedServer } from '../types.js';

// Words around a mention that turn it from a description into an instruction about that tool.
const STEERING = /\b(?:use|call|invoke|run|prefer|instead|before|after|whenever|when|must|always|never|do not|don'?t|override|replace|redirect|change|modify|set|add|include|pass|send|cc|bcc|ignore|skip|avoid|disable)\b/iu;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Names distinctive enough that a mention is a real reference, not an everyday word. */
function distinctive(name: string): boolean {
  return name.length >= 4 && (/[_.-]/.test(name) || /[a-z][A-Z]/.test(name) || name.length >= 10);
}

interface Target {
  server: string;
  label: string;
  re: RegExp;
}

function targetsFor(servers: ScannedServer[]): Target[] {
  const out: Target[] = [];
  for (const s of servers) {
    for (const t of s.tools) {
      if (!distinctive(t.name)) continue;
      out.push({ server: s.name, label: `tool ${t.name}`, re: new RegExp(`(?<![\\w-])${escapeRe(t.name)}(?![\\w-])`, 'iu') });
    }
    if (s.name.length >= 4) {
      // A server named in prose ("the whatsapp server", "github's tools") is a reference to it.
      out.push({ server: s.name, label: `server ${s.name}`, re: new RegExp(`(?<![\\w-])${escapeRe(s.name)}(?:'s)?\\s+(?:mcp\\s+)?(?:server|tools?|functions?|integration)\\b|\\b(?:server|mcp)\\s+[\`'"]?${escapeRe(s.name)}\\b`, 'iu') });
    }
  }
  return out;
}

export function checkCrossReferences(servers: ScannedServer[]): Finding[] {
  if (servers.length < 2) return [];
  const targets = targetsFor(servers);
  const findings: Finding[] = [];
  for (const server of servers) {
    const others = targets.filter((t) => t.server !== server.name);
    for (const entity of serverEntities(server)) {
      for (const { field, text } of entity.texts) {
        const norm = normalizeForRules(visibleText(text));
        for (const target of others) {
          const m = target.re.exec(norm);
          if (!m) continue;
          const start = Math.max(0, (m.index ?? 0) - 80);
          const windowText = norm.slice(start, (m.index ?? 0) + m[0].length + 80);
          const steering = STEERING.test(windowText);
          findings.push({
            code: 'SH001',
            severity: steering ? 'high' : 'low',
            server: server.name,
            entity: { kind: entity.kind, name: entity.name },
            message: `${entity.kind} "${entity.name}" ${steering ? 'gives instructions about' : 'mentions'} ${target.label} of server "${target.server}".`,
            evidence: windowText.trim().slice(0, 240),
            field,
            related: [{ server: target.server, kind: target.label.startsWith('tool') ? 'tool' : 'server', name: target.label.replace(/^\w+ /, '') }],
          });
          break; // one reference per field is enough to make the point
        }
      }
    }
  }
  return findings;
}

export function checkNames(servers: ScannedServer[]): Finding[] {
  const findings: Finding[] = [];
  const byKey = new Map<string, { server: string; name: string }[]>();
  for (const s of servers) {
    for (const t of s.tools) {
      if (isSpoofyIdentifier(t.name)) {
        findings.push({
          code: 'SH004',
          severity: 'high',
          server: s.name,
          entity: { kind: 'tool', name: t.name },
          message: `tool name "${t.name}" uses look-alike or mixed-script characters (reads as "${nameKey(t.name)}").`,
          evidence: Array.from(t.name).map((c) => (c.charCodeAt(0) > 0x7e ? `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}` : c)).join(''),
        });
      }
      const key = nameKey(t.name);
      const list = byKey.get(key) ?? [];
      list.push({ server: s.name, name: t.name });
      byKey.set(key, list);
    }
  }
  for (const list of byKey.values()) {
    if (list.length < 2) continue;
    for (const entry of list) {
      const others = list.filter((o) => o !== entry && o.server !== entry.server);
      if (others.length === 0) continue;
      const exact = others.filter((o) => o.name === entry.name);
      const lookAlike = others.filter((o) => o.name !== entry.name);
      if (exact.length > 0) {
        findings.push({
          code: 'SH003',
          severity: 'medium',
          server: entry.server,
          entity: { kind: 'tool', name: entry.name },
          message: `tool name "${entry.name}" is also offered by ${exact.map((o) => `"${o.server}"`).join(', ')}; clients may call the wrong one.`,
          evidence: exact.map((o) => `${o.server}/${o.name}`).join(', '),
          related: exact.map((o) => ({ server: o.server, kind: 'tool' as const, name: o.name })),
        });
      }
      if (lookAlike.length > 0) {
        const nonAscii = /[^\x20-\x7E]/.test(entry.name) || lookAlike.some((o) => /[^\x20-\x7E]/.test(o.name));
        // With a non-ASCII impostor, flag the impostor only: the genuine ASCII tool did nothing wrong.
        if (nonAscii && !/[^\x20-\x7E]/.test(entry.name)) continue;
        findings.push({
          code: 'SH002',
          severity: nonAscii ? 'high' : 'medium',
          server: entry.server,
          entity: { kind: 'tool', name: entry.name },
          message: `tool name "${entry.name}" looks like ${lookAlike.map((o) => `"${o.name}" (${o.server})`).join(', ')}.`,
          evidence: `skeleton "${nameKey(entry.name)}"`,
          related: lookAlike.map((o) => ({ server: o.server, kind: 'tool' as const, name: o.name })),
        });
      }
    }
  }
  return findings;
}
