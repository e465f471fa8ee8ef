/** `mcp-bastion pin`: write mcp-bastion.lock.json with the hashes of every tool, prompt and resource. */

import type { Command } from 'commander';
import { runPin } from '../security/run/pin-run.js';
import { addInputOptions, terminalIo, toInputOptions } from './scan.js';

export function registerPinCommand(program: Command): Command {
  return addInputOptions(
    program.command('pin').description('pin tool/prompt/resource definitions (SHA-256 of canonical JSON) against rug pulls'),
  )
    .option('-o, --output <file>', 'lock file to write', 'mcp-bastion.lock.json')
    .action(async (configs: string[], raw: Parameters<typeof toInputOptions>[1] & { output: string }) => {
      process.exitCode = await runPin({ ...toInputOptions(configs, raw), output: raw.output }, terminalIo());
    });
}
