/**
 * Server supply-chain controls, decided before anything is launched: an npx/uvx/pnpm-dlx/bunx launch
 * must name an exact package version (a range or a bare name runs whatever is newest at each start),
 * the entry's declared `package` must be what is launched, and with an allow-list only listed servers
 * start at all.
 */

import type { GatewayConfig, UpstreamConfig } from './config.js';

export type SupplyChainVerdict =
  { readonly ok: true; readonly package?: string | undefined } | { readonly ok: false; readonly reason: string };

const RUNNERS: Record<string, { readonly skipFlagsWithValue: readonly string[] }> = {
  npx: { skipFlagsWithValue: ['-p', '--package', '-c', '--call'] },
  bunx: { skipFlagsWithValue: ['-p', '--package'] },
  uvx: { skipFlagsWithValue: ['--from', '--with', '--python', '-p', '--index-url', '--with-requirements'] },
  pipx: { skipFlagsWithValue: ['--spec', '--python'] },
};

function baseName(command: string): string {
  return (command.split(/[\\/]/).pop() ?? command).replace(/\.(cmd|exe)$/i, '');
}

/** The package an npx/uvx-style launch would fetch, or undefined for a plain command. */
export function launchedPackage(command: string, args: readonly string[]): string | undefined {
  let name = baseName(command);
  let rest = [...args];
  if ((name === 'pnpm' || name === 'yarn') && rest[0] === 'dlx') {
    name = 'npx';
    rest = rest.slice(1);
  }
  if (name === 'pipx' && rest[0] === 'run') rest = rest.slice(1);
  const runner = RUNNERS[name];
  if (!runner) return undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') return rest[i + 1];
    if (runner.skipFlagsWithValue.includes(a)) {
      // `npx -p pkg@1 cmd` / `uvx --from pkg==1 cmd`: the package is the flag's value.
      if (a === '-p' || a === '--package' || a === '--from' || a === '--spec') return rest[i + 1];
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a;
  }
  return undefined;
}

/** True for `name@1.2.3`, `@scope/name@1.2.3`, `name==1.2.3` (PyPI); false for ranges, tags and bare names. */
export function isExactVersion(spec: string): boolean {
  const py = /^[A-Za-z0-9._-]+(\[[^\]]*\])?==[0-9][A-Za-z0-9.+!-]*$/.exec(spec);
  if (py) return true;
  const at = spec.lastIndexOf('@');
  if (at <= 0) return false;
  const version = spec.slice(at + 1);
  return /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version);
}

function matchesAllowEntry(
  name: string,
  entry: UpstreamConfig,
  pkg: string | undefined,
  allow: NonNullable<GatewayConfig['allowedServers']>[number],
): boolean {
  if (allow.name !== undefined && allow.name !== name) return false;
  if (allow.package !== undefined) return pkg === allow.package;
  if (allow.url !== undefined) return entry.url !== undefined && sameUrl(entry.url, allow.url);
  if (allow.command !== undefined) return entry.command !== undefined && [entry.command, ...(entry.args ?? [])].join(' ') === allow.command;
  return allow.name !== undefined;
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

/** Whether this upstream may start at all. */
export function checkSupplyChain(name: string, entry: UpstreamConfig, config: Pick<GatewayConfig, 'allowedServers'>): SupplyChainVerdict {
  const pkg = entry.command ? launchedPackage(entry.command, entry.args ?? []) : undefined;
  if (entry.command && pkg === undefined && RUNNERS[baseName(entry.command)])
    return { ok: false, reason: `${baseName(entry.command)} launch names no package` };
  if (pkg !== undefined && !isExactVersion(pkg) && !entry.allowUnpinned)
    return {
      ok: false,
      reason: `"${pkg}" has no exact version: every start could run new code. Pin it (e.g. ${pkg.replace(/@[^@/]*$/, '')}@1.2.3) or set allowUnpinned: true`,
    };
  if (entry.package !== undefined && pkg !== entry.package)
    return {
      ok: false,
      reason: `declares package ${entry.package} but launches ${pkg ?? [entry.command, ...(entry.args ?? [])].join(' ')}`,
    };
  const allow = config.allowedServers;
  if (allow && !allow.some((a) => matchesAllowEntry(name, entry, pkg, a)))
    return { ok: false, reason: `not on the allow-list (allowedServers): ${pkg ?? entry.url ?? entry.command}` };
  return { ok: true, package: pkg };
}
