/** `mcp-bastion sign` and `mcp-bastion verify`: commander wiring; the logic lives in src/security/run/sign-run.ts. */

import type { Command } from 'commander';
import { runSign, runVerify } from '../security/run/sign-run.js';
import { terminalIo } from './scan.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Commander's own usage errors (unknown option, missing argument) exit 2 like ours, not 1, so 1 always means "does not verify". */
const usageExit = (err: { exitCode: number }): never => process.exit(err.exitCode === 0 ? 0 : 2);

export function registerSignCommands(program: Command): void {
  program
    .command('sign')
    .exitOverride(usageExit)
    .description('sign tool/prompt/resource definitions (canonical form, JWS with EdDSA or ES256)')
    .option(
      '--tools-file <file>',
      'manifest to sign: a tools/list result or { server, tools, prompts?, resources? } (repeatable)',
      collect,
      [],
    )
    .option('--key <file>', 'private key: Ed25519 or P-256, PKCS#8 PEM or JWK (e.g. from `mcp-bastion keygen --alg EdDSA`)')
    .option('-o, --output <file>', 'where to write the signed manifest (default: stdout)')
    .option('--server <name>', 'server name to sign under (default: the manifest\'s "server" or the file name)')
    .option('--server-version <version>', 'server version to record in the signature')
    .option('--expires <duration>', 'signature lifetime: seconds or 90s, 15m, 12h, 30d, 52w (default: no expiry)')
    .action(async (o: { toolsFile: string[]; key: string; output?: string; server?: string; serverVersion?: string; expires?: string }) => {
      process.exitCode = await runSign({ ...o, toolsFiles: o.toolsFile }, terminalIo());
    });

  program
    .command('verify')
    .exitOverride(usageExit)
    .description('verify a signed manifest; exit 0 when the signature and every definition match, 1 when not, 2 on usage errors')
    .argument('<signed>', 'signed manifest (from `mcp-bastion sign`) or a bare JWS (/.well-known/mcp-manifest.jws)')
    .option('--key <file>', 'publisher public key: PEM, JWK or JWKS file')
    .option('--jwks <url>', 'publisher JWKS URL (https; fetched with the SSRF-safe fetch)')
    .option(
      '--tools-file <file>',
      'live definitions to check against the signature instead of the copy in the file (repeatable)',
      collect,
      [],
    )
    .option('--server <name>', 'require this server name in the signature')
    .option('--allow-insecure-loopback', 'allow an http://127.0.0.1 JWKS URL (development)', false)
    .option('--json', 'print the result as JSON', false)
    .action(
      async (
        file: string,
        o: { key?: string; jwks?: string; toolsFile: string[]; server?: string; allowInsecureLoopback: boolean; json: boolean },
      ) => {
        process.exitCode = await runVerify({ ...o, file, toolsFiles: o.toolsFile }, terminalIo());
      },
    );
}
