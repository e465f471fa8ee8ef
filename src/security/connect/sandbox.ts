/**
 * Builds the command line that launches a third-party stdio server inside bubblewrap: read-only
 * root, private /tmp and home, every namespace unshared (network only on request), cleared
 * environment with just the config's own `env` plus a minimal PATH, killed with its parent.
 * The gateway adds a private writable directory and CPU/memory/file limits (prlimit).
 */

import { accessSync, chmodSync, constants, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import type { ServerConfig } from '../types.js';
import { FORWARDER_PORT } from './egress.js';

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
  /**
   * The server's own writable directory, bound read-write at the same path (created with mode
   * 0700) and its working directory unless the entry sets `cwd`. Everything else stays read-only
   * or private and discarded.
   */
  writableDir?: string;
  /** Names of variables copied from `parentEnv` (default process.env), on top of the entry's own `env`. */
  passEnv?: string[];
  parentEnv?: NodeJS.ProcessEnv;
  /** Resource limits applied with prlimit (util-linux); soft and hard, so the server cannot raise them. */
  limits?: ResourceLimits;
  /** Resolved prlimit binary; required when limits are set. */
  prlimit?: string;
  /**
   * Network through an allow-list proxy (egress.ts): the server keeps its empty network namespace,
   * and a forwarder inside it passes 127.0.0.1:FORWARDER_PORT to the proxy's Unix socket.
   */
  egress?: { dir: string; socketPath: string; forwarderPath: string };
}

export interface ResourceLimits {
  /** CPU seconds (RLIMIT_CPU): the kernel kills a runaway loop with SIGXCPU/SIGKILL. */
  cpuSeconds?: number;
  /**
   * Memory in bytes (RLIMIT_DATA: heap and private writable mappings). Preferred over an
   * address-space limit because V8 reserves many GiB of untouched address space for
   * WebAssembly, which RLIMIT_AS counts and RLIMIT_DATA does not.
   */
  memoryBytes?: number;
  /** Address space in bytes (RLIMIT_AS); for native servers. Node servers fail to start below tens of GiB. */
  addressSpaceBytes?: number;
  /** Open file descriptors (RLIMIT_NOFILE). */
  openFiles?: number;
  /** Largest file the server may write, in bytes (RLIMIT_FSIZE). */
  fileSizeBytes?: number;
}

/** Raised when a sandboxed launch is impossible here; the message names the way out. */
export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
}

/** Why stdio servers cannot be sandboxed on this machine, or undefined when they can. */
export function sandboxUnavailableReason(platform: NodeJS.Platform, bwrap: string | undefined): string | undefined {
  if (platform !== 'linux')
    return `bubblewrap sandboxing needs Linux (this is ${platform}); set \`sandbox: false\` on the entry to run it unconfined, or run it in a container (docs/sandbox.md)`;
  if (!bwrap)
    return 'bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt-get install bubblewrap); install it, or set `sandbox: false` on the entry to run it unconfined (docs/sandbox.md)';
  return undefined;
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

function limitArgs(o: SandboxOptions, name: string): string[] {
  const l = o.limits;
  if (!l || Object.values(l).every((v) => v === undefined)) return [];
  if (!o.prlimit) throw new SandboxUnavailableError(`server "${name}": limits need prlimit (util-linux), which is not installed`);
  const flags: [string, number | undefined][] = [
    ['--cpu', l.cpuSeconds],
    ['--data', l.memoryBytes],
    ['--as', l.addressSpaceBytes],
    ['--nofile', l.openFiles],
    ['--fsize', l.fileSizeBytes],
  ];
  const out = [o.prlimit];
  for (const [flag, v] of flags) {
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v <= 0)
      throw new SandboxUnavailableError(`server "${name}": limit ${flag.slice(2)} must be a positive integer`);
    out.push(`${flag}=${v}`);
  }
  return [...out, '--'];
}

function serverEnv(cfg: ServerConfig, o: SandboxOptions, path: string): Record<string, string> {
  const parent = o.parentEnv ?? process.env;
  const passed: Record<string, string> = {};
  for (const n of o.passEnv ?? []) if (parent[n] !== undefined) passed[n] = parent[n] as string;
  return { PATH: path, HOME: o.home, ...passed, ...(cfg.env ?? {}) };
}

/** Creates the writable directory 0700 (and tightens an existing one): other local users must not read what the server writes. */
function prepareWritableDir(dir: string): void {
  if (!isAbsolute(dir)) throw new SandboxUnavailableError(`writableDir must be an absolute path (got "${dir}")`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

export function buildLaunch(cfg: ServerConfig, o: SandboxOptions): LaunchSpec {
  if (!cfg.command) throw new Error(`server "${cfg.name}" has no command`);
  const path = o.path ?? sandboxPath();
  const env = serverEnv(cfg, o, path);
  const limited = limitArgs(o, cfg.name);
  if (o.writableDir) prepareWritableDir(o.writableDir);
  if (!o.sandbox) {
    const [command, ...args] = [...limited, cfg.command, ...(cfg.args ?? [])] as [string, ...string[]];
    return { command, args, env, cwd: cfg.cwd ?? o.writableDir };
  }
  if (!o.bwrap)
    throw new SandboxUnavailableError(`server "${cfg.name}" cannot be sandboxed: ${sandboxUnavailableReason(process.platform, undefined)}`);
  const workdir = cfg.cwd ?? o.writableDir;
  const egress = o.egress;
  if (egress && o.net) throw new SandboxUnavailableError(`server "${cfg.name}": a network allow-list and full network exclude each other`);
  const proxyUrl = `http://127.0.0.1:${FORWARDER_PORT}`;
  const proxyEnv = egress
    ? Object.fromEntries(['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'].map((k) => [k, proxyUrl]))
    : {};
  const nodeDir = dirname(realpathSync(process.execPath));
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
    // /run holds the host's Unix sockets (databases, D-Bus, the user's runtime dir): connect() works on a
    // read-only mount, so it is replaced too; with the network shared, the resolver's files come back.
    ...(existsSync('/run') ? ['--tmpfs', '/run', ...(o.net ? resolverBinds() : [])] : []),
    ...visiblePaths(cfg).flatMap((p) => ['--ro-bind', p, p]),
    // After the tmpfs mounts, so a directory under /tmp or home is still the real one.
    ...(o.writableDir ? ['--bind', o.writableDir, o.writableDir] : []),
    // The forwarder runs on this node; its script and the proxy socket are in the egress directory.
    ...(egress ? ['--ro-bind', nodeDir, nodeDir, '--ro-bind', egress.dir, egress.dir] : []),
    '--unshare-all',
    ...(o.net ? ['--share-net'] : []),
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    ...Object.entries({ ...env, ...proxyEnv }).flatMap(([k, v]) => ['--setenv', k, v]),
    ...(workdir ? ['--chdir', workdir] : []),
    '--',
    ...limited,
    ...(egress ? [process.execPath, egress.forwarderPath, egress.socketPath, String(FORWARDER_PORT)] : []),
    cfg.command,
    ...(cfg.args ?? []),
  ];
  // bwrap itself gets an empty environment; the server's comes from --setenv.
  return { command: o.bwrap, args, env: { PATH: path } };
}

/** /etc/resolv.conf is often a link into /run (systemd-resolved, resolvconf): keep its directory visible, read-only. */
function resolverBinds(): string[] {
  try {
    const real = realpathSync('/etc/resolv.conf');
    if (!real.startsWith('/run/')) return [];
    const dir = dirname(real);
    return ['--ro-bind', dir, dir];
  } catch {
    return [];
  }
}

/**
 * What the server must still see above the private /tmp and home: its working directory and
 * the directories of absolute file paths in its arguments (`node /home/u/mcp/server.js`),
 * all read-only. Nothing else of home or /tmp is exposed.
 */
export function visiblePaths(cfg: ServerConfig): string[] {
  const out = new Set<string>();
  // bwrap cannot bind through a symlink (a symlinked node_modules, pnpm stores): bind the real
  // directory; the server's own arguments still resolve through the link inside the sandbox.
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  if (cfg.cwd) out.add(real(cfg.cwd));
  for (const arg of cfg.args ?? []) {
    if (!isAbsolute(arg)) continue;
    try {
      const st = statSync(arg);
      out.add(real(st.isDirectory() ? arg : dirname(arg)));
    } catch {
      // not a path on this machine
    }
  }
  return [...out];
}

/** How a gateway entry asks for its stdio upstream to be launched (the documented knobs). */
export interface UpstreamSandboxConfig {
  /** Default true. `false` runs the server with the user's full rights: the documented opt-out for macOS and Windows. */
  sandbox?: boolean;
  /**
   * Default false: the server gets an empty network namespace (no loopback services, no internet).
   * `true`: the host's full network. A list of hosts (`api.github.com`, `*.example.com`, `host:8443`):
   * only those, through the allow-list proxy (egress.ts).
   */
  network?: boolean | readonly string[];
  writableDir?: string;
  limits?: ResourceLimits;
  passEnv?: string[];
  /** The home the server sees (an empty private tmpfs when sandboxed); default the user's home path. */
  home?: string;
}

/**
 * Resolves an entry into launch options, failing early and clearly where the sandbox cannot be
 * had: a gateway must never quietly fall back to running third-party code unconfined.
 */
export function sandboxOptionsFor(
  name: string,
  entry: UpstreamSandboxConfig,
  env: { platform?: NodeJS.Platform; home: string },
  egress?: SandboxOptions['egress'],
): SandboxOptions {
  if (Array.isArray(entry.network) && !egress)
    throw new Error(`upstream "${name}": a network allow-list needs its egress proxy started first`);
  const sandbox = entry.sandbox !== false;
  const bwrap = sandbox ? which('bwrap') : undefined;
  if (sandbox) {
    const reason = sandboxUnavailableReason(env.platform ?? process.platform, bwrap);
    if (reason) throw new SandboxUnavailableError(`upstream "${name}" cannot be sandboxed: ${reason}`);
  }
  return {
    sandbox,
    net: entry.network === true,
    home: entry.home ?? env.home,
    ...(bwrap ? { bwrap } : {}),
    ...(entry.writableDir ? { writableDir: entry.writableDir } : {}),
    ...(entry.passEnv ? { passEnv: entry.passEnv } : {}),
    ...(entry.limits ? { limits: entry.limits, prlimit: which('prlimit') } : {}),
    ...(Array.isArray(entry.network) && egress ? { egress } : {}),
  };
}
