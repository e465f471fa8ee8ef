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
const STEERING =
  /\b(?:use|call|invoke|run|prefer|instead|before|after|whenever|when|must|always|never|do not|don'?t|override|replace|redirect|change|modify|set|add|include|pass|send|cc|bcc|ignore|skip|avoid|disable)\b/iu;

// The user decides when the other tool runs.
const USER_DRIVEN =
  /\b(?:when|if|only when|unless)\b[^.\n]{0,20}\bthe user\b[^.\n]{0,15}\b(?:asks?|requests?|wants?|confirms?|approves?|explicitly)\b/;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Names distinctive enough that a mention is a real reference, not an everyday word. */
function distinctive(name: string): boolean {
  return name.length >= 4 && (/[_.-]/.test(name) || /[a-z][A-Z]/.test(name) || name.length >= 10);
}

interface Target {
  server: string;
  kind: 'tool' | 'server';
  name: string;
}

/** Distinctive tool names by lower-case token, and server-name patterns; built once per scan. */
interface TargetIndex {
  tools: Map<string, Target[]>;
  servers: { target: Target; needle: string; re: RegExp }[];
}

function buildIndex(servers: ScannedServer[]): TargetIndex {
  const tools = new Map<string, Target[]>();
  const serverPatterns: TargetIndex['servers'] = [];
  for (const s of servers) {
    for (const t of s.tools) {
      if (!distinctive(t.name)) continue;
      const key = t.name.toLowerCase();
      tools.set(key, [...(tools.get(key) ?? []), { server: s.name, kind: 'tool', name: t.name }]);
    }
    if (s.name.length >= 4) {
      // A server named in prose ("the whatsapp server", "github's tools") is a reference to it.
      const n = escapeRe(s.name.toLowerCase());
      serverPatterns.push({
        target: { server: s.name, kind: 'server', name: s.name },
        needle: s.name.toLowerCase(),
        re: new RegExp(
          `(?<![\\w-])${n}(?:'s)?\\s+(?:mcp\\s+)?(?:server|tools?|functions?|integration)\\b|\\b(?:server|mcp)\\s+[\`'"]?${n}\\b`,
        ),
      });
    }
  }
  return { tools, servers: serverPatterns };
}

const TOKEN = /[a-z0-9][\w.-]*[a-z0-9]/g;

function findReference(norm: string, index: TargetIndex, self: string): { target: Target; at: number; length: number } | undefined {
  for (const m of norm.matchAll(TOKEN)) {
    const candidates = index.tools.get(m[0]) ?? [];
    // A name the server itself also offers refers to its own tool (duplicates are SH003's job).
    if (candidates.some((t) => t.server === self)) continue;
    const hit = candidates[0];
    if (!hit) continue;
    const at = m.index ?? 0;
    // A one-word name ("screenshot") is an everyday word unless the text treats it as a tool.
    if (!/[_.-]|[a-z][A-Z]/.test(hit.name)) {
      const before = norm.slice(Math.max(0, at - 20), at);
      const after = norm.slice(at + m[0].length, at + m[0].length + 12);
      if (
        !/(?:\b(?:call|calling|invoke|invoking|use|using|run|running)\s+(?:the\s+)?)?[`'"]$/.test(before) &&
        !/^[`'"]?\s+(?:tool|function)\b/.test(after) &&
        !/\b(?:call|calling|invoke|invoking)\s+(?:the\s+)?$/.test(before)
      )
        continue;
    }
    return { target: hit, at, length: m[0].length };
  }
  for (const p of index.servers) {
    if (p.target.server === self || !norm.includes(p.needle)) continue;
    const m = p.re.exec(norm);
    if (m) return { target: p.target, at: m.index ?? 0, length: m[0].length };
  }
  return undefined;
}

export function checkCrossReferences(servers: ScannedServer[]): Finding[] {
  if (servers.length < 2) return [];
  const index = buildIndex(servers);
  const findings: Finding[] = [];
  for (const server of servers) {
    for (const entity of serverEntities(server)) {
      for (const { field, text } of entity.texts) {
        const norm = visibleText(text).toLowerCase();
        const ref = findReference(norm, index, server.name);
        if (!ref) continue;
        const windowText = norm.slice(Math.max(0, ref.at - 80), ref.at + ref.length + 80);
        // "Use this before git_commit when the user asks for it" is a workflow hint, not steering.
        const steering = STEERING.test(windowText) && !USER_DRIVEN.test(windowText);
        findings.push({
          code: 'SH001',
          severity: steering ? 'high' : 'low',
          server: server.name,
          entity: { kind: entity.kind, name: entity.name },
          message: `${entity.kind} "${entity.name}" ${steering ? 'gives instructions about' : 'mentions'} ${ref.target.kind} ${ref.target.name} of server "${ref.target.server}".`,
          evidence: windowText.trim().slice(0, 240),
          field,
          related: [{ server: ref.target.server, kind: ref.target.kind, name: ref.target.name }],
        });
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
          evidence: Array.from(t.name)
            .map((c) => (c.charCodeAt(0) > 0x7e ? `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}` : c))
            .join(''),
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
        // Low: clients namespace tools per server and unrelated servers often share plain names
        // (github/gitlab `create_issue`); look-alikes (SH002/SH004) are the dangerous case.
        findings.push({
          code: 'SH003',
          severity: 'low',
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
