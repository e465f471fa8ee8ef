/**
 * Tool pinning against rug pulls. A lock stores, per server, the SHA-256 of the canonical JSON of
 * each tool's FULL definition (plus prompts and resources) and the definition itself, so a later
 * scan can say exactly what changed: a new `sidenote` parameter, a flipped annotation, a reworded
 * description. Entries are keyed by server + kind + name, never by hash alone.
 */

import { createHash } from 'node:crypto';
import type { Finding, PromptDef, ResourceDef, ScannedServer, ToolDef } from './types.js';

export type PinKind = 'tool' | 'prompt' | 'resource';

export interface PinEntry {
  hash: string;
  definition: Record<string, unknown>;
}

export interface PinLock {
  version: 1;
  generatedAt: string;
  servers: Record<string, { tool: Record<string, PinEntry>; prompt: Record<string, PinEntry>; resource: Record<string, PinEntry> }>;
}

/** RFC 8785-style canonical JSON: sorted keys at every depth, no whitespace, ES number formatting. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  // Sort by UTF-16 code units, as RFC 8785 requires (plain string comparison does exactly that).
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

const TOOL_FIELDS = ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'] as const;
const PROMPT_FIELDS = ['name', 'title', 'description', 'arguments'] as const;
const RESOURCE_FIELDS = ['name', 'title', 'description', 'uri', 'uriTemplate', 'mimeType'] as const;

/** The fields that define an entity's behaviour towards the model; `_meta` and icons are left out. */
export function pinnedDefinition(kind: PinKind, def: ToolDef | PromptDef | ResourceDef): Record<string, unknown> {
  const fields: readonly string[] = kind === 'tool' ? TOOL_FIELDS : kind === 'prompt' ? PROMPT_FIELDS : RESOURCE_FIELDS;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (def[f] !== undefined) out[f] = def[f];
  return out;
}

export function hashEntity(kind: PinKind, def: ToolDef | PromptDef | ResourceDef): string {
  return createHash('sha256')
    .update(canonicalJson(pinnedDefinition(kind, def)))
    .digest('hex');
}

function entries(server: ScannedServer): [PinKind, ToolDef | PromptDef | ResourceDef][] {
  return [
    ...server.tools.map((t): [PinKind, ToolDef] => ['tool', t]),
    ...(server.prompts ?? []).map((p): [PinKind, PromptDef] => ['prompt', p]),
    ...(server.resources ?? []).map((r): [PinKind, ResourceDef] => ['resource', r]),
    ...(server.resourceTemplates ?? []).map((r): [PinKind, ResourceDef] => ['resource', r]),
  ];
}

export function buildLock(servers: ScannedServer[], previous?: PinLock): PinLock {
  const lock: PinLock = { version: 1, generatedAt: new Date().toISOString(), servers: { ...(previous?.servers ?? {}) } };
  for (const s of servers) {
    const slot = { tool: {}, prompt: {}, resource: {} } as PinLock['servers'][string];
    for (const [kind, def] of entries(s)) slot[kind][def.name] = { hash: hashEntity(kind, def), definition: pinnedDefinition(kind, def) };
    lock.servers[s.name] = slot;
  }
  return lock;
}

export type PinChangeType = 'changed' | 'added' | 'removed';

export interface FieldChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface PinChange {
  server: string;
  kind: PinKind;
  name: string;
  type: PinChangeType;
  fields: FieldChange[];
}

/** Structural diff of two JSON values, reported as dotted paths. */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (canonicalJson(before) === canonicalJson(after)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const p = path ? `${path}.${k}` : k;
      if (!(k in before)) return [{ path: p, change: 'added' as const, after: after[k] }];
      if (!(k in after)) return [{ path: p, change: 'removed' as const, before: before[k] }];
      return diffValues(before[k], after[k], p);
    });
  }
  return [{ path: path || '(root)', change: 'changed', before, after }];
}

export function diffLock(lock: PinLock, servers: ScannedServer[]): PinChange[] {
  const changes: PinChange[] = [];
  for (const s of servers) {
    const pinned = lock.servers[s.name];
    if (!pinned) continue; // a server never pinned has nothing to compare; the CLI reports it separately
    const seen = new Set<string>();
    for (const [kind, def] of entries(s)) {
      seen.add(`${kind}\u0000${def.name}`);
      const old = pinned[kind]?.[def.name];
      const now = pinnedDefinition(kind, def);
      if (!old) {
        changes.push({ server: s.name, kind, name: def.name, type: 'added', fields: [] });
      } else if (old.hash !== hashEntity(kind, def)) {
        changes.push({ server: s.name, kind, name: def.name, type: 'changed', fields: diffValues(old.definition, now) });
      }
    }
    for (const kind of ['tool', 'prompt', 'resource'] as const) {
      for (const name of Object.keys(pinned[kind] ?? {})) {
        if (!seen.has(`${kind}\u0000${name}`)) changes.push({ server: s.name, kind, name, type: 'removed', fields: [] });
      }
    }
  }
  return changes;
}

function short(v: unknown, max = 160): string {
  const s = typeof v === 'string' ? v : canonicalJson(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Person-readable one-line summary of a field change, e.g. `new parameter "sidenote"`. */
export function describeFieldChange(c: FieldChange): string {
  const param = /^inputSchema\.properties\.([^.]+)$/.exec(c.path);
  if (param && c.change === 'added') return `new parameter "${param[1]}"`;
  if (param && c.change === 'removed') return `parameter "${param[1]}" removed`;
  if (c.change === 'added') return `${c.path} added: ${short(c.after)}`;
  if (c.change === 'removed') return `${c.path} removed (was ${short(c.before)})`;
  return `${c.path}: ${short(c.before)} → ${short(c.after)}`;
}

export function pinFindings(changes: PinChange[]): Finding[] {
  return changes.map((c): Finding => {
    const entity = { kind: c.kind, name: c.name };
    if (c.type === 'changed') {
      return {
        code: 'PN001',
        severity: 'high',
        server: c.server,
        entity,
        message: `${c.kind} "${c.name}" changed since it was pinned: ${c.fields.map((f) => f.path).join(', ')}.`,
        evidence: c.fields.map(describeFieldChange).join('\n'),
        changes: c.fields,
      } as Finding;
    }
    if (c.type === 'added') {
      return {
        code: 'PN002',
        severity: 'medium',
        server: c.server,
        entity,
        message: `${c.kind} "${c.name}" is new since the pins were written.`,
        evidence: 'not in lock file',
      };
    }
    return {
      code: 'PN003',
      severity: 'low',
      server: c.server,
      entity,
      message: `${c.kind} "${c.name}" was pinned but is no longer offered.`,
      evidence: 'in lock file, missing from server',
    };
  });
}
