/**
 * The `scan` command's logic, independent of commander: gather inputs, collect definitions,
 * run the checks, compare pins, render, and decide the exit code
 * (0 clean, 1 findings at/above --fail-on, 2 usage or config error, 3 some servers not scanned;
 * when several apply the lowest non-zero code other than 3 wins: 2, then 1, then 3).
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkConfig } from '../checks/config-risks.js';
import { ClientConfigError } from '../config/parse.js';
import { buildLock, diffLock, pinFindings, type PinLock } from '../pins.js';
import { buildReport, renderJson, type ServerSummary } from '../report/json.js';
import { colorsFor, renderHuman } from '../report/human.js';
import { renderSarif } from '../report/sarif.js';
import { filterFindings, hasFindingsAtOrAbove, scanTools, sortFindings } from '../scan.js';
import { SEVERITIES, type AllowlistEntry, type Finding, type ScannedServer, type Severity } from '../types.js';
import { collectInputs, gatherInputs, UsageError, type InputHooks, type InputOptions } from './targets.js';
import { requiredSignatureFindings, type RequireSignatureOptions } from './signature-run.js';

export const DEFAULT_LOCK_FILE = 'mcp-bastion.lock.json';

export interface ScanRunOptions extends InputOptions {
  json: boolean;
  /** true = SARIF to stdout; a string = write SARIF to that file. */
  sarif?: boolean | string;
  failOn: Severity;
  ignore: string[];
  /** File of accepted findings (`--accept`). */
  accept?: string;
  pins?: string;
  updatePins: boolean;
  /** `--require-signature` with `--key` or `--jwks`: uncovered definitions are high findings. */
  signatures?: RequireSignatureOptions;
  /** Keep each finding's explain trace (rules, exemptions, model score) in the output. */
  explain?: boolean;
}

export interface ScanIo extends InputHooks {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdoutIsTTY?: boolean;
  env?: NodeJS.ProcessEnv;
}

export function loadAllowlist(path: string): AllowlistEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ClientConfigError(`cannot read the --accept file: ${(e as Error).message}`, path);
  }
  const list = Array.isArray(doc) ? doc : (doc as { allow?: unknown }).allow;
  if (!Array.isArray(list))
    throw new ClientConfigError('the --accept file must be an array of { code, server?, entity? } (or { "allow": [...] })', path);
  return list.map((e, i) => {
    const entry = e as Partial<AllowlistEntry>;
    if (typeof entry.code !== 'string') throw new ClientConfigError(`entry ${i} has no "code"`, path);
    return { code: entry.code, server: entry.server, entity: entry.entity };
  });
}

export function loadLock(path: string): PinLock {
  try {
    const lock = JSON.parse(readFileSync(path, 'utf8')) as PinLock;
    if (lock.version !== 1 || typeof lock.servers !== 'object') throw new Error('not an mcp-bastion lock file (version 1)');
    return lock;
  } catch (e) {
    throw new ClientConfigError(`cannot read pins: ${(e as Error).message}`, path);
  }
}

function validate(o: ScanRunOptions): void {
  if (!SEVERITIES.includes(o.failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
  if (o.json && o.sarif === true) throw new UsageError('--json and --sarif both write to stdout; give --sarif a file name');
  if (!(o.timeoutMs > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  if (!(o.concurrency >= 1)) throw new UsageError('--concurrency must be at least 1');
}

export async function runScan(o: ScanRunOptions, io: ScanIo): Promise<number> {
  try {
    validate(o);
    const cwd = o.cwd ?? process.cwd();
    const allowlist = o.accept ? loadAllowlist(resolve(cwd, o.accept)) : [];
    const inputs = gatherInputs(o, io);
    const outcomes = await collectInputs(o, inputs, io);
    const scanned: ScannedServer[] = outcomes.filter((x) => x.status === 'ok' && x.server).map((x) => x.server as ScannedServer);
    const findings: Finding[] = scanTools(scanned, { ignore: o.ignore, allowlist });
    // Config risks do not need a running server: report them for unscanned servers too.
    for (const cfg of inputs.configs) {
      if (!scanned.some((s) => s.name === cfg.name)) findings.push(...filterFindings(checkConfig(cfg), { ignore: o.ignore, allowlist }));
    }
    if (o.signatures)
      findings.push(...filterFindings(await requiredSignatureFindings(o.signatures, o, scanned), { ignore: o.ignore, allowlist }));
    const lockPath = o.pins ? resolve(cwd, o.pins) : o.updatePins ? resolve(cwd, DEFAULT_LOCK_FILE) : undefined;
    if (o.pins) {
      const lock = loadLock(lockPath as string);
      findings.push(...filterFindings(pinFindings(diffLock(lock, scanned)), { ignore: o.ignore, allowlist }));
      for (const s of scanned) {
        if (!lock.servers[s.name]) {
          findings.push(
            ...filterFindings(
              [
                {
                  code: 'PN004',
                  severity: 'low',
                  server: s.name,
                  entity: { kind: 'server', name: s.name },
                  message: `server "${s.name}" has no pins yet.`,
                  evidence: `not in ${o.pins}`,
                },
              ],
              { ignore: o.ignore, allowlist },
            ),
          );
        }
      }
    }
    if (o.updatePins && lockPath) {
      const previous = existsSync(lockPath) ? loadLock(lockPath) : undefined;
      writeFileSync(lockPath, `${JSON.stringify(buildLock(scanned, previous), null, 2)}\n`);
      io.notice?.(`pins updated in ${lockPath}`);
    }
    const sorted = sortFindings(findings);
    // The trace is for people asking why; without --explain the report keeps its documented shape.
    if (!o.explain) for (const f of sorted) delete f.explain;
    const summaries: ServerSummary[] = outcomes.map((x) => ({
      name: x.name,
      status: x.status,
      tools: x.server?.tools.length ?? 0,
      error: x.error,
      stderr: x.stderr,
      source: x.source,
      prompts: x.server?.prompts?.length,
      resources: x.server ? (x.server.resources?.length ?? 0) + (x.server.resourceTemplates?.length ?? 0) : undefined,
    }));
    if (typeof o.sarif === 'string')
      writeFileSync(resolve(cwd, o.sarif), `${JSON.stringify(renderSarif(sorted, { baseDir: cwd }), null, 2)}\n`);
    if (o.json) io.stdout(renderJson(buildReport(summaries, sorted)));
    else if (o.sarif === true) io.stdout(`${JSON.stringify(renderSarif(sorted, { baseDir: cwd }), null, 2)}\n`);
    else io.stdout(renderHuman(summaries, sorted, colorsFor({ isTTY: io.stdoutIsTTY }, io.env), { explain: o.explain === true }));
    if (hasFindingsAtOrAbove(sorted, o.failOn)) return 1;
    if (outcomes.some((x) => x.status === 'error')) return 3;
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ClientConfigError) {
      io.stderr(`mcp-bastion scan: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
