/**
 * Turns CLI inputs into what to scan: config files given as arguments (format detected),
 * `--url` servers, `--tools-file` manifests, or — with none of those — the current user's and
 * the working directory's well-known client configs. Then collects definitions from them.
 */

import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { discoverConfigs, type Platform } from '../config/discover.js';
import { ClientConfigError, parseConfigText, parseJsonc } from '../config/parse.js';
import { isManifest, loadManifestPath, parseManifest } from '../connect/manifest.js';
import { collectAll, type ServerOutcome } from '../connect/runner.js';
import { which } from '../connect/sandbox.js';
import type { ScannedServer, ServerConfig } from '../types.js';

export interface InputOptions {
  configs: string[];
  urls: string[];
  headers: string[];
  toolsFiles: string[];
  yes: boolean;
  sandbox: boolean;
  sandboxNet: boolean;
  timeoutMs: number;
  concurrency: number;
  home?: string;
  platform?: Platform;
  cwd?: string;
}

export interface InputHooks {
  consent?: (cfg: ServerConfig) => Promise<boolean>;
  onProgress?: (event: { name: string; phase: 'start' | 'done'; outcome?: ServerOutcome }) => void;
  /** Notes for the person running the scan (discovered files, sandbox state). */
  notice?: (message: string) => void;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseHeaders(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header must look like 'Name: value', got "${h}"`);
    out[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return out;
}

/** Config files and manifests given as positional arguments are told apart by content. */
function readArgument(path: string): { configs: ServerConfig[]; manifests: ScannedServer[] } {
  // A directory argument is a batch of manifests.
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // missing: reported by the read below
  }
  if (isDir) return { configs: [], manifests: loadManifestPath(path) };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClientConfigError(`cannot read: ${(e as Error).message}`, path);
  }
  if (!path.endsWith('.toml')) {
    try {
      const doc = parseJsonc(text);
      if (isManifest(doc)) return { configs: [], manifests: parseManifest(doc, path) };
    } catch {
      // not JSON: let the config parser report it properly
    }
  }
  return { configs: parseConfigText(text, path).servers, manifests: [] };
}

export interface GatheredInputs {
  configs: ServerConfig[];
  manifests: ScannedServer[];
}

export function gatherInputs(o: InputOptions, hooks: InputHooks = {}): GatheredInputs {
  const configs: ServerConfig[] = [];
  const manifests: ScannedServer[] = [];
  const cwd = o.cwd ?? process.cwd();
  for (const c of o.configs) {
    const r = readArgument(resolve(cwd, c));
    configs.push(...r.configs);
    manifests.push(...r.manifests);
  }
  for (const f of o.toolsFiles) manifests.push(...loadManifestPath(resolve(cwd, f)));
  const headers = parseHeaders(o.headers);
  for (const url of o.urls) {
    try {
      new URL(url);
    } catch {
      throw new UsageError(`--url is not a valid URL: ${url}`);
    }
    configs.push({ name: url, url, headers, source: url });
  }
  if (o.configs.length === 0 && o.toolsFiles.length === 0 && o.urls.length === 0) {
    const found = discoverConfigs({ home: o.home ?? homedir(), platform: o.platform ?? (process.platform as Platform), cwd });
    for (const e of found.errors) hooks.notice?.(`could not read ${e.path}: ${e.message}`);
    for (const c of found.configs) {
      hooks.notice?.(`found ${c.location.client} config ${c.location.path} (${c.servers.length} server(s))`);
      configs.push(...c.servers);
    }
    if (configs.length === 0) throw new UsageError('nothing to scan: no client configs found; pass config files, --url or --tools-file');
  }
  // Names identify servers in reports and pins; make duplicates from different files distinct.
  const seenManifest = new Map<string, number>();
  for (const m of manifests) {
    const n = (seenManifest.get(m.name) ?? 0) + 1;
    seenManifest.set(m.name, n);
    if (n > 1) m.name = `${m.name}#${n}`;
  }
  const seen = new Map<string, number>();
  for (const c of configs) {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    if (n > 1) c.name = `${c.name}#${n}`;
  }
  return { configs, manifests };
}

export async function collectInputs(o: InputOptions, inputs: GatheredInputs, hooks: InputHooks = {}): Promise<ServerOutcome[]> {
  const bwrap = o.sandbox ? which('bwrap') : undefined;
  if (o.sandbox && !bwrap && inputs.configs.some((c) => c.command)) {
    hooks.notice?.(
      'bubblewrap (bwrap) is not installed, so stdio servers cannot be sandboxed. Install it (Debian/Ubuntu: apt-get install bubblewrap) or pass --no-sandbox to run them unconfined.',
    );
  }
  const consent = o.yes ? async (): Promise<boolean> => true : hooks.consent;
  const outcomes = await collectAll(inputs.configs, {
    concurrency: o.concurrency,
    timeoutMs: o.timeoutMs,
    sandbox: { sandbox: o.sandbox, net: o.sandboxNet, home: o.home ?? homedir(), bwrap },
    consent,
    onProgress: hooks.onProgress,
  });
  const manifestOutcomes: ServerOutcome[] = inputs.manifests.map((m) => ({ name: m.name, status: 'ok', server: m, source: m.source }));
  return [...manifestOutcomes, ...outcomes];
}
