/**
 * Builds the command line that launches a third-party stdio server inside bubblewrap: read-only
 * root, private /tmp and home, every namespace unshared (network only on request), cleared
 * environment with just the config's own `env` plus a minimal PATH, killed with its parent.
 */

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import type { ServerConfig } from '../types.js';

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface SandboxOptions {
  /** false = run unsandboxed (`--no-sandbox`). */
  sandbox: boolean;
  /** Keep the network namespace shared (`--sandbox-net`). */
  net: boolean;
  home: string;
  /** Resolved bwrap binary; required when sandbox is true. */
  bwrap?: string;
  /** PATH inside the sandbox. */
  path?: string;
}

export const MINIMAL_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Locate an executable on PATH without spawning a shell. */
export function which(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** PATH for the server: the minimal one plus the directory of the node running us (nvm installs). */
export function sandboxPath(): string {
  const nodeDir = process.execPath.replace(/[\\/][^\\/]+$/, '');
  return MINIMAL_PATH.split(':').includes(nodeDir) ? MINIMAL_PATH : `${nodeDir}:${MINIMAL_PATH}`;
}

export function buildLaunch(cfg: ServerConfig, o: SandboxOptions): LaunchSpec {
  if (!cfg.command) throw new Error(`server "${cfg.name}" has no command`);
  const path = o.path ?? sandboxPath();
  const env: Record<string, string> = { PATH: path, HOME: o.home, ...(cfg.env ?? {}) };
  if (!o.sandbox) return { command: cfg.command, args: cfg.args ?? [], env, cwd: cfg.cwd };
  if (!o.bwrap) throw new Error('bubblewrap (bwrap) is not installed');
  const args = [
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
    '--tmpfs',
    o.home,
    ...visiblePaths(cfg).flatMap((p) => ['--ro-bind', p, p]),
    '--unshare-all',
    ...(o.net ? ['--share-net'] : []),
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]),
    ...(cfg.cwd ? ['--chdir', cfg.cwd] : []),
    '--',
    cfg.command,
    ...(cfg.args ?? []),
  ];
  // bwrap itself gets an empty environment; the server's comes from --setenv.
  return { command: o.bwrap, args, env: { PATH: path } };
}

/**
 * What the server must still see above the private /tmp and home: its working directory and
 * the directories of absolute file paths in its arguments (`node /home/u/mcp/server.js`),
 * all read-only. Nothing else of home or /tmp is exposed.
 */
export function visiblePaths(cfg: ServerConfig): string[] {
  const out = new Set<string>();
  if (cfg.cwd) out.add(cfg.cwd);
  for (const arg of cfg.args ?? []) {
    if (!isAbsolute(arg)) continue;
    try {
      const st = statSync(arg);
      out.add(st.isDirectory() ? arg : dirname(arg));
    } catch {
      // not a path on this machine
    }
  }
  return [...out];
}
