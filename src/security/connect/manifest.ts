/**
 * Static manifests (`--tools-file`): a `tools/list` result `{ tools }`, a named manifest
 * `{ server, tools, prompts?, resources?, resourceTemplates?, instructions? }`, or an array of those.
 * Lets CI scan a server's definitions without running it.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ClientConfigError } from '../config/parse.js';
import type { PromptDef, ResourceDef, ScannedServer, ToolDef } from '../types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function named<T extends { name: string }>(list: unknown, what: string, source: string): T[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ClientConfigError(`"${what}" must be an array`, source);
  list.forEach((x, i) => {
    if (!isObj(x) || typeof x.name !== 'string') throw new ClientConfigError(`${what}[${i}] has no string "name"`, source);
  });
  return list as T[];
}

/** True when parsed JSON looks like a manifest rather than a client config. */
export function isManifest(doc: unknown): boolean {
  const one = (d: unknown): boolean => isObj(d) && Array.isArray(d.tools);
  return Array.isArray(doc) ? doc.length > 0 && doc.every(one) : one(doc);
}

export function parseManifest(doc: unknown, source: string): ScannedServer[] {
  const list = Array.isArray(doc) ? doc : [doc];
  const fallback = basename(source).replace(/\.json$/i, '');
  return list.map((m, i) => {
    if (!isObj(m) || !Array.isArray(m.tools)) throw new ClientConfigError('manifest entries need a "tools" array', source);
    const name = typeof m.server === 'string' ? m.server : list.length > 1 ? `${fallback}#${i + 1}` : fallback;
    return {
      name,
      tools: named<ToolDef>(m.tools, 'tools', source),
      prompts: named<PromptDef>(m.prompts, 'prompts', source),
      resources: named<ResourceDef>(m.resources, 'resources', source),
      resourceTemplates: named<ResourceDef>(m.resourceTemplates, 'resourceTemplates', source),
      instructions: typeof m.instructions === 'string' ? m.instructions : undefined,
      source,
    };
  });
}

export function loadManifestFile(path: string): ScannedServer[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ClientConfigError(`cannot read manifest: ${(e as Error).message}`, path);
  }
  return parseManifest(doc, path);
}

/**
 * A manifest file, or a directory of them (every `*.json` directly inside, in name order), so CI can
 * scan many manifests in one process instead of paying a process start per file.
 */
export function loadManifestPath(path: string): ScannedServer[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new ClientConfigError(`cannot read manifest: ${(e as Error).message}`, path);
  }
  if (!isDir) return loadManifestFile(path);
  const files = readdirSync(path)
    .filter((f) => f.toLowerCase().endsWith('.json'))
    .sort();
  if (files.length === 0) throw new ClientConfigError('directory holds no *.json manifests', path);
  return files.flatMap((f) => loadManifestFile(join(path, f)));
}
