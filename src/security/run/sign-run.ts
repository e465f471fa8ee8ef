/**
 * The `sign` and `verify` commands' logic, independent of commander.
 * sign:   0 written, 2 usage or config error.
 * verify: 0 signature valid and every definition matches, 1 any does not (named), 2 usage or config error.
 */

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError as BaseConfigError } from '../../errors.js';
import { ClientConfigError } from '../config/parse.js';
import { loadManifestFile } from '../connect/manifest.js';
import { describeFieldChange } from '../pins.js';
import { readSignedFile, signedFileDocument } from '../signing/file.js';
import { fetchJwks, loadSigningKey, readKeyFile, type ManifestVerifyKey } from '../signing/keys.js';
import { checkSignedDefinitions, signManifest, verifyManifest, type ManifestServer, type SignatureCoverage } from '../signing/manifest.js';
import type { ScannedServer } from '../types.js';
import type { ScanIo } from './scan-run.js';
import { UsageError } from './targets.js';

/** `90s`, `15m`, `12h`, `30d`, `52w` or plain seconds. */
export function parseDuration(value: string, option: string): number {
  const m = /^(\d+)\s*([smhdw]?)$/.exec(value.trim());
  if (!m) throw new UsageError(`${option} must be a number of seconds or use an s/m/h/d/w suffix (got "${value}")`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as '' | 's' | 'm' | 'h' | 'd' | 'w'];
  const seconds = Number(m[1]) * unit;
  if (!(seconds > 0)) throw new UsageError(`${option} must be positive`);
  return seconds;
}

function handled(e: unknown, command: string, io: ScanIo): number {
  if (e instanceof UsageError || e instanceof ClientConfigError || e instanceof BaseConfigError) {
    io.stderr(`mcp-bastion ${command}: ${e.message}\n`);
    return 2;
  }
  throw e;
}

export interface SignRunOptions {
  toolsFiles: string[];
  key: string;
  output?: string;
  server?: string;
  serverVersion?: string;
  expires?: string;
  cwd?: string;
}

export async function runSign(o: SignRunOptions, io: ScanIo): Promise<number> {
  try {
    const cwd = o.cwd ?? process.cwd();
    if (o.toolsFiles.length === 0) throw new UsageError('--tools-file is required');
    if (!o.key) throw new UsageError('--key is required (an Ed25519 or P-256 private key, PEM or JWK)');
    const key = await loadSigningKey(readKeyFile(resolve(cwd, o.key), '--key'), '--key');
    const servers = o.toolsFiles.flatMap((f) => loadManifestFile(resolve(cwd, f)));
    if (servers.length !== 1 && (o.server || o.serverVersion))
      throw new UsageError('--server and --server-version apply to a single manifest; the input holds several');
    const expiresInSeconds = o.expires ? parseDuration(o.expires, '--expires') : undefined;
    const docs = [];
    for (const s of servers) {
      const server: ManifestServer = { ...s, name: o.server ?? s.name, ...(o.serverVersion ? { version: o.serverVersion } : {}) };
      let jws: string;
      try {
        jws = await signManifest(server, key, { ...(expiresInSeconds ? { expiresInSeconds } : {}) });
      } catch (e) {
        // e.g. two tools with one name: the input cannot be signed as it is
        throw new UsageError(`${server.name}: ${(e as Error).message}`);
      }
      docs.push(signedFileDocument(server, jws));
      io.stderr(`signed ${server.name}: ${server.tools.length} tool(s) with ${key.alg} (kid ${key.kid})\n`);
    }
    const text = `${JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2)}\n`;
    if (o.output) {
      writeFileSync(resolve(cwd, o.output), text);
      io.stderr(`wrote ${resolve(cwd, o.output)}\n`);
    } else io.stdout(text);
    return 0;
  } catch (e) {
    return handled(e, 'sign', io);
  }
}

export interface VerifyRunOptions {
  file: string;
  key?: string;
  jwks?: string;
  /** Live definitions to check instead of the copy inside the signed file. */
  toolsFiles: string[];
  server?: string;
  allowInsecureLoopback?: boolean;
  json?: boolean;
  cwd?: string;
}

async function verifyKey(o: VerifyRunOptions, cwd: string): Promise<ManifestVerifyKey> {
  if (Boolean(o.key) === Boolean(o.jwks)) throw new UsageError('give exactly one of --key (public key file) or --jwks (URL)');
  if (o.key) return readKeyFile(resolve(cwd, o.key), '--key');
  return fetchJwks(o.jwks as string, { allowInsecureLoopback: o.allowInsecureLoopback === true }, '--jwks');
}

interface ServerReport {
  name: string;
  version?: string;
  signature: { ok: boolean; alg?: string; kid?: string; issuedAt?: string; expiresAt?: string; problems: string[] };
  coverage?: SignatureCoverage;
  problems: string[];
}

function pickLive(live: ScannedServer[], name: string | undefined, signedCount: number): ScannedServer | undefined {
  return live.find((s) => s.name === name) ?? (live.length === 1 && signedCount === 1 ? live[0] : undefined);
}

export async function runVerify(o: VerifyRunOptions, io: ScanIo): Promise<number> {
  try {
    const cwd = o.cwd ?? process.cwd();
    if (!o.file) throw new UsageError('give the signed manifest file: mcp-bastion verify tools.signed.json --key public.pem');
    const key = await verifyKey(o, cwd);
    const entries = readSignedFile(resolve(cwd, o.file));
    const live = o.toolsFiles.flatMap((f) => loadManifestFile(resolve(cwd, f)));
    const reports: ServerReport[] = [];
    const used = new Set<ScannedServer>();
    for (const entry of entries) {
      const verified = await verifyManifest(entry.signature, key, o.server ? { server: o.server } : {});
      const name = verified.server?.name ?? entry.server?.name ?? '(unknown)';
      const target = o.toolsFiles.length > 0 ? pickLive(live, verified.server?.name, entries.length) : entry.server;
      if (target) used.add(target);
      const problems = [...verified.problems];
      let coverage: SignatureCoverage | undefined;
      if (target) {
        coverage = checkSignedDefinitions(target, verified);
        if (verified.ok) {
          for (const e of coverage.entries) {
            if (e.status === 'uncovered') problems.push(`${e.kind} "${e.name}" is not covered by the signature`);
            if (e.status === 'mismatch')
              problems.push(`${e.kind} "${e.name}" differs from the signed definition: ${e.changes.map(describeFieldChange).join('; ')}`);
          }
        }
      } else if (o.toolsFiles.length > 0) problems.push(`no definitions for server "${name}" in --tools-file`);
      reports.push({
        name,
        ...(verified.server?.version ? { version: verified.server.version } : {}),
        signature: {
          ok: verified.ok,
          ...(verified.alg ? { alg: verified.alg } : {}),
          ...(verified.kid ? { kid: verified.kid } : {}),
          ...(verified.issuedAt ? { issuedAt: verified.issuedAt.toISOString() } : {}),
          ...(verified.expiresAt ? { expiresAt: verified.expiresAt.toISOString() } : {}),
          problems: verified.problems,
        },
        ...(coverage ? { coverage } : {}),
        problems,
      });
    }
    for (const s of live) {
      if (!used.has(s))
        reports.push({ name: s.name, signature: { ok: false, problems: [] }, problems: [`server "${s.name}" has no signed manifest`] });
    }
    const ok = reports.every((r) => r.problems.length === 0);
    if (o.json) io.stdout(`${JSON.stringify({ ok, servers: reports }, null, 2)}\n`);
    else io.stdout(renderVerify(reports));
    return ok ? 0 : 1;
  } catch (e) {
    return handled(e, 'verify', io);
  }
}

function renderVerify(reports: ServerReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    const sig = r.signature;
    const label = `${r.name}${r.version ? ` ${r.version}` : ''}`;
    if (r.problems.length === 0) {
      const n = r.coverage?.entries.length;
      lines.push(
        `✓ ${label}: signature valid (${sig.alg}, kid ${sig.kid}, signed ${sig.issuedAt}${sig.expiresAt ? `, expires ${sig.expiresAt}` : ''})${n === undefined ? '' : `; all ${n} definition(s) match`}`,
      );
    } else {
      lines.push(`✗ ${label}:`);
      for (const p of r.problems) lines.push(`  - ${p}`);
    }
    for (const m of r.coverage?.missing ?? []) lines.push(`  note: signed ${m.kind} "${m.name}" is not offered`);
  }
  return `${lines.join('\n')}\n`;
}
