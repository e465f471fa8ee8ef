#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { StoreError } from '../storage/types.js';
import { registerServeCommand } from './serve.js';
import { keygenCommand, tokenCommand } from './keys.js';
import { registerScanCommand } from './scan.js';
import { registerPinCommand } from './pin.js';
import { registerGatewayCommand } from './gateway.js';
import { registerSignCommands } from './sign.js';
import { demoOptions, DEMO_ISSUER } from '../demo/options.js';

const program = new Command();
program.name('mcp-bastion').description('Secure MCP servers from tRPC routers, and MCP security tooling').version('0.1.0');
registerServeCommand(program, demoOptions);
registerScanCommand(program);
registerPinCommand(program);
registerGatewayCommand(program);
registerSignCommands(program);

program
  .command('keygen')
  .description('generate a signing key pair for development tokens (private key mode 0600)')
  .option('--dir <dir>', 'where to write the keys', '.mcp-bastion/keys')
  .option('--alg <alg>', 'RS256, ES256, PS256 or EdDSA', 'RS256')
  .option('--force', 'replace an existing key pair')
  .action(async (o: { dir: string; alg: string; force?: boolean }) => {
    process.stdout.write(await keygenCommand(o));
  });

program
  .command('token')
  .description('mint a development JWT signed with the key pair from `keygen` (prints only the token)')
  .requiredOption('--sub <subject>', 'subject')
  .requiredOption('--aud <url>', 'audience: the server resource URL, e.g. http://127.0.0.1:3000/mcp')
  .option('--scope <scopes>', 'space- or comma-separated scopes')
  .option('--iss <issuer>', 'issuer', DEMO_ISSUER)
  .option('--ttl <ttl>', 'lifetime: seconds or 15m, 1h, 7d', '1h')
  .option('--dir <dir>', 'key directory', '.mcp-bastion/keys')
  .action(async (o: { sub: string; aud: string; scope?: string; iss: string; ttl: string; dir: string }) => {
    process.stdout.write(`${await tokenCommand(o)}\n`);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  // The store names its own option or variable too (STORE_CONFIG): a configuration error like any other.
  if (err instanceof ConfigError || (err instanceof StoreError && err.code === 'STORE_CONFIG')) {
    process.stderr.write(`mcp-bastion: configuration error: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`mcp-bastion: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
