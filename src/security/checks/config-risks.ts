/**
 * Risks in how a client config launches or reaches a server, independent of what the server says:
 * unpinned package launchers (a rug pull needs no server change at all, just a new release),
 * cleartext remote URLs, secrets pasted into the config, and servers told to listen on all interfaces.
 */

import type { Finding, ServerConfig } from '../types.js';

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/;

function basename(cmd: string): string {
  return (cmd.split(/[\\/]/).pop() ?? cmd).replace(/\.(?:cmd|exe|bat|ps1)$/i, '').toLowerCase();
}

/** npm spec `name@version` / `@scope/name@version` → version part. */
function npmVersion(spec: string): string | undefined {
  const at = spec.lastIndexOf('@');
  return at > 0 ? spec.slice(at + 1) : undefined;
}

/** Python spec `name==1.2.3`, `name@1.2.3`, `name[extra]==1.2.3`. */
function pyVersion(spec: string): string | undefined {
  const m = /(?:==|@)([^,;\s]+)$/.exec(spec);
  return m?.[1];
}

const NPM_FLAGS_WITH_VALUE = new Set([
  '-p',
  '--package',
  '-c',
  '--call',
  '--registry',
  '--cache',
  '--prefix',
  '--node-options',
  '--userconfig',
]);
const UV_FLAGS_WITH_VALUE = new Set([
  '--from',
  '--with',
  '--python',
  '-p',
  '--index',
  '--index-url',
  '--extra-index-url',
  '--with-requirements',
  '--spec',
]);

function firstPositional(args: string[], withValue: Set<string>): { spec?: string; from?: string } {
  let from: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') return { spec: args[i + 1], from };
    if (a.startsWith('--package=') || a.startsWith('--from=')) {
      from = a.slice(a.indexOf('=') + 1);
      continue;
    }
    if (withValue.has(a)) {
      if (a === '--from' || a === '-p' || a === '--package' || a === '--spec') from = args[i + 1];
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return { spec: a, from };
  }
  return { from };
}

interface Launch {
  launcher: string;
  spec?: string;
  ecosystem: 'npm' | 'python' | 'docker';
}

function detectLaunch(cfg: ServerConfig): Launch | undefined {
  if (!cfg.command) return undefined;
  const cmd = basename(cfg.command);
  const args = cfg.args ?? [];
  if (cmd === 'npx' || cmd === 'bunx' || cmd === 'pnpx') {
    const { spec, from } = firstPositional(args, NPM_FLAGS_WITH_VALUE);
    return { launcher: cmd, spec: from ?? spec, ecosystem: 'npm' };
  }
  if ((cmd === 'pnpm' || cmd === 'yarn' || cmd === 'bun' || cmd === 'npm') && ['dlx', 'x', 'exec'].includes(args[0] ?? '')) {
    const { spec, from } = firstPositional(args.slice(1), NPM_FLAGS_WITH_VALUE);
    return { launcher: `${cmd} ${args[0]}`, spec: from ?? spec, ecosystem: 'npm' };
  }
  if (cmd === 'uvx' || (cmd === 'uv' && args[0] === 'tool' && args[1] === 'run') || (cmd === 'pipx' && args[0] === 'run')) {
    const rest = cmd === 'uvx' ? args : cmd === 'uv' ? args.slice(2) : args.slice(1);
    const { spec, from } = firstPositional(rest, UV_FLAGS_WITH_VALUE);
    return { launcher: cmd === 'uvx' ? 'uvx' : cmd === 'uv' ? 'uv tool run' : 'pipx run', spec: from ?? spec, ecosystem: 'python' };
  }
  if ((cmd === 'docker' || cmd === 'podman') && args[0] === 'run') {
    const flagsWithValue = new Set([
      '-e',
      '--env',
      '-v',
      '--volume',
      '--name',
      '-p',
      '--publish',
      '--network',
      '--env-file',
      '-w',
      '--workdir',
      '--user',
      '-u',
      '--entrypoint',
      '--mount',
      '--platform',
    ]);
    const { spec } = firstPositional(args.slice(1), flagsWithValue);
    return { launcher: `${cmd} run`, spec, ecosystem: 'docker' };
  }
  return undefined;
}

function isPinned(l: Launch): boolean {
  if (!l.spec) return false;
  if (l.ecosystem === 'npm') {
    const v = npmVersion(l.spec);
    return v !== undefined && EXACT_VERSION.test(v);
  }
  if (l.ecosystem === 'python') {
    const v = pyVersion(l.spec);
    return v !== undefined && (EXACT_VERSION.test(v) || /^\d+(?:\.\d+){1,3}$/.test(v));
  }
  // Docker: a digest pins; a tag other than latest is better than nothing but still mutable.
  return /@sha256:[0-9a-f]{64}$/.test(l.spec) || (/:[\w][\w.-]*$/.test(l.spec.split('/').pop() ?? '') && !/:latest$/.test(l.spec));
}

// Known credential shapes. Prefixes only, so we never need to print the value.
const TOKEN_PREFIX =
  /^(?:sk-(?:ant-|proj-|live-)?[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,}|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,}|sk_live_[0-9A-Za-z]{16,}|rk_live_[0-9A-Za-z]{16,}|SG\.[\w-]{16,}\.[\w-]{16,}|hf_[A-Za-z0-9]{20,}|npm_[A-Za-z0-9]{30,}|pypi-[A-Za-z0-9_-]{30,}|sbp_[a-f0-9]{30,}|ntn_[A-Za-z0-9]{30,}|secret_[A-Za-z0-9]{30,}|lin_api_[A-Za-z0-9]{20,}|tvly-[A-Za-z0-9]{20,}|fc-[a-f0-9]{24,}|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/;
const SECRET_NAME = /(?:key|token|secret|passw(?:or)?d|pwd|credential|auth|bearer|private|api[_-]?key|access)/i;
const PLACEHOLDER =
  /^\$\{[^}]+\}$|^\$[A-Z_][A-Z0-9_]*$|^%[A-Z_]+%$|^<[^>]+>$|^\{\{[^}]+\}\}$|your[_-]?|xxx|changeme|placeholder|example|dummy|redacted|\*\*\*|^\$\{input:/i;

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function redact(v: string): string {
  return v.length <= 8 ? '****' : `${v.slice(0, 4)}…(${v.length} chars)`;
}

function looksSecret(name: string, value: string): string | undefined {
  const v = value.replace(/^Bearer\s+/i, '').trim();
  if (!v || PLACEHOLDER.test(v)) return undefined;
  if (TOKEN_PREFIX.test(v)) return 'known token format';
  if (SECRET_NAME.test(name) && v.length >= 16 && !/\s/.test(v) && entropy(v) >= 3.5 && !/^(?:https?:|\/|\.)/.test(v))
    return `high-entropy value named ${name}`;
  return undefined;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host) || host.endsWith('.localhost');
}

export function checkConfig(cfg: ServerConfig): Finding[] {
  const findings: Finding[] = [];
  const base = { server: cfg.name, entity: { kind: 'config' as const, name: cfg.name }, source: cfg.source };
  const launch = detectLaunch(cfg);
  if (launch && !isPinned(launch)) {
    findings.push({
      ...base,
      code: 'CF001',
      severity: 'medium',
      message: `"${cfg.name}" is launched with ${launch.launcher} without an exact version; every start may run a different release.`,
      evidence: [cfg.command, ...(cfg.args ?? [])].join(' ').slice(0, 200),
      field: 'args',
    });
  }
  if (cfg.url) {
    try {
      const u = new URL(cfg.url);
      if (u.protocol === 'http:' && !isLoopback(u.hostname)) {
        const hasAuth = Object.keys(cfg.headers ?? {}).some((h) => /auth|token|key|cookie/i.test(h));
        findings.push({
          ...base,
          code: 'CF002',
          severity: hasAuth ? 'high' : 'medium',
          message: `"${cfg.name}" connects over plain HTTP to a non-loopback host${hasAuth ? ' and sends credentials in cleartext' : ''}.`,
          evidence: `${u.protocol}//${u.host}${u.pathname}`,
          field: 'url',
        });
      }
    } catch {
      // An unparseable URL is reported by the connector; nothing to judge here.
    }
  }
  const places: [string, string, string][] = [
    ...Object.entries(cfg.env ?? {}).map(([k, v]): [string, string, string] => [`env.${k}`, k, v]),
    ...Object.entries(cfg.headers ?? {}).map(([k, v]): [string, string, string] => [`headers.${k}`, k, v]),
    ...(cfg.args ?? []).map((a, i): [string, string, string] => {
      const m = /^--?([\w-]+)=(.+)$/.exec(a);
      const prev = cfg.args?.[i - 1] ?? '';
      return m ? [`args[${i}]`, m[1] ?? '', m[2] ?? ''] : [`args[${i}]`, prev.startsWith('-') ? prev : '', a];
    }),
  ];
  if (cfg.url) {
    const u = cfg.url;
    for (const m of u.matchAll(/[?&]([\w-]+)=([^&#]+)/g)) places.push(['url', m[1] ?? '', decodeURIComponent(m[2] ?? '')]);
  }
  for (const [where, name, value] of places) {
    const why = looksSecret(name, value);
    if (!why) continue;
    findings.push({
      ...base,
      code: 'CF003',
      severity: 'high',
      message: `"${cfg.name}" has a secret inline in its config (${where}: ${why}); use an env reference or a secret store.`,
      evidence: `${where}=${redact(value.replace(/^Bearer\s+/i, ''))}`,
      field: where,
    });
  }
  const bindAll = [...(cfg.args ?? []), ...Object.entries(cfg.env ?? {}).map(([k, v]) => `${k}=${v}`)].find(
    (a) =>
      /(?:^|[=\s:])(?:0\.0\.0\.0|\[?::\]?)(?::\d+)?$/.test(a) || (/^(?:--host|--bind|-H|--listen)(?:=|$)/.test(a) && /0\.0\.0\.0/.test(a)),
  );
  const args = cfg.args ?? [];
  const flagBind = args.findIndex(
    (a, i) => /^(?:--host|--bind|--listen|-H|--address)$/.test(a) && /^(?:0\.0\.0\.0|::|\[::\])(?::\d+)?$/.test(args[i + 1] ?? ''),
  );
  if (bindAll || flagBind >= 0) {
    findings.push({
      ...base,
      code: 'CF004',
      severity: 'medium',
      message: `"${cfg.name}" is told to listen on all network interfaces; anyone on the network can reach it.`,
      evidence: bindAll ?? `${args[flagBind]} ${args[flagBind + 1]}`,
      field: 'args',
    });
  }
  return findings;
}
