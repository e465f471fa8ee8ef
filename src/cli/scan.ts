/**
 * `mcp-bastion scan`: commander wiring, the interactive consent prompt and TTY progress.
 * The logic lives in src/security/run so tests can drive it without a terminal.
 */

import { createInterface } from 'node:readline/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runScan, type ScanIo } from '../security/run/scan-run.js';
import type { InputOptions } from '../security/run/targets.js';
import { SEVERITIES, type ServerConfig, type Severity } from '../security/types.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** Options shared by `scan` and `pin`: what to scan and how to launch it. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .argument('[configs...]', 'client config files or tools manifests (format detected); none = discover well-known client configs')
    .option('--url <url>', 'scan a running Streamable HTTP server (repeatable)', collect, [])
    .option('--header <header>', "HTTP header for --url servers, 'Name: value' (repeatable)", collect, [])
    .option(
      '--tools-file <file>',
      'static manifest: a tools/list result, { server, tools, prompts?, resources? }, an array, or a directory of *.json manifests (repeatable)',
      collect,
      [],
    )
    .option('-y, --yes', 'launch stdio servers without asking (needed when not on a TTY)', false)
    .option('--no-sandbox', 'run stdio servers without bubblewrap (they can read your files and network)')
    .option('--sandbox-net', 'give sandboxed servers network access', false)
    .option('--timeout <seconds>', 'time limit per server', positiveNumber, 15)
    .option('--concurrency <n>', 'servers scanned at once', positiveNumber, 4);
}

interface RawInputOptions {
  url: string[];
  header: string[];
  toolsFile: string[];
  yes: boolean;
  sandbox: boolean;
  sandboxNet: boolean;
  timeout: number;
  concurrency: number;
}

export function toInputOptions(configs: string[], raw: RawInputOptions): InputOptions {
  return {
    configs,
    urls: raw.url,
    headers: raw.header,
    toolsFiles: raw.toolsFile,
    yes: raw.yes,
    sandbox: raw.sandbox,
    sandboxNet: raw.sandboxNet,
    timeoutMs: raw.timeout * 1000,
    concurrency: Math.floor(raw.concurrency),
  };
}

/** Terminal I/O: consent per stdio server on a TTY, progress lines on stderr. */
export function terminalIo(): ScanIo {
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  const progress = Boolean(process.stderr.isTTY);
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    notice: (m) => process.stderr.write(`• ${m}\n`),
    consent: interactive
      ? async (cfg: ServerConfig): Promise<boolean> => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            const line = [cfg.command, ...(cfg.args ?? [])].join(' ');
            const answer = await rl.question(
              `Launch stdio server "${cfg.name}" (${line})${cfg.source ? ` from ${cfg.source}` : ''}? [y/N] `,
            );
            return /^y(es)?$/i.test(answer.trim());
          } finally {
            rl.close();
          }
        }
      : undefined,
    onProgress: progress
      ? (e) => {
          if (e.phase === 'start') process.stderr.write(`  … ${e.name}\n`);
          else if (e.outcome)
            process.stderr.write(
              `  ${e.outcome.status === 'ok' ? '✓' : '✗'} ${e.name}${e.outcome.status === 'ok' ? ` (${e.outcome.server?.tools.length ?? 0} tools)` : `: ${e.outcome.error}`}\n`,
            );
        }
      : undefined,
  };
}

export function registerScanCommand(program: Command): Command {
  const cmd = addInputOptions(program.command('scan').description('offline security scan of MCP client configs and servers'))
    .option('--json', 'print the JSON report on stdout', false)
    .option('--sarif [file]', 'SARIF 2.1.0 for code scanning (to a file, or stdout without one)')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES]).default('high'),
    )
    .option('--ignore <code>', 'silence a check code (repeatable)', collect, [])
    .option('--accept <file>', 'JSON list of accepted findings to silence: [{ code, server?, entity? }]')
    // The old name, kept so existing CI scripts keep working; it silences findings, it allows no servers.
    .addOption(new Option('--allowlist <file>').hideHelp())
    .option('--pins <file>', 'compare against a lock file written by `mcp-bastion pin`')
    .option('--explain', 'print, per finding, the rules, exemptions and model score that decided it (kept in --json too)', false)
    .option('--update-pins', 'accept the current definitions into the lock file (--pins, default mcp-bastion.lock.json)', false)
    .option(
      '--require-signature',
      'definitions not covered by a valid publisher signature are high findings (needs --key or --jwks)',
      false,
    )
    .option('--key <file>', 'publisher public key for --require-signature (PEM, JWK or JWKS file)')
    .option('--jwks <url>', 'publisher JWKS URL for --require-signature')
    .action(
      async (
        configs: string[],
        raw: RawInputOptions & {
          json: boolean;
          sarif?: boolean | string;
          failOn: Severity;
          ignore: string[];
          accept?: string;
          allowlist?: string;
          pins?: string;
          updatePins: boolean;
          requireSignature: boolean;
          key?: string;
          jwks?: string;
          explain: boolean;
        },
      ) => {
        if (raw.allowlist !== undefined) {
          if (raw.accept !== undefined) {
            process.stderr.write('error: --allowlist is the deprecated name of --accept; give only --accept\n');
            process.exitCode = 2;
            return;
          }
          process.stderr.write('warning: --allowlist is deprecated and will be removed; use --accept\n');
        }
        const code = await runScan(
          {
            ...toInputOptions(configs, raw),
            json: raw.json,
            sarif: raw.sarif,
            failOn: raw.failOn,
            ignore: raw.ignore,
            accept: raw.accept ?? raw.allowlist,
            pins: raw.pins,
            updatePins: raw.updatePins,
            ...(raw.requireSignature || raw.key || raw.jwks ? { signatures: { key: raw.key, jwks: raw.jwks } } : {}),
            explain: raw.explain,
          },
          terminalIo(),
        );
        process.exitCode = code;
      },
    );
  return cmd;
}
