/** Tiny local entry for end-to-end CLI tests (src/cli/main.ts belongs to the CLI owner). */
import { Command } from 'commander';
import { registerPinCommand } from '../../src/cli/pin.js';
import { registerScanCommand } from '../../src/cli/scan.js';

const program = new Command('mcp-bastion').exitOverride((err) => {
  process.exit(err.exitCode === 0 ? 0 : 2);
});
registerScanCommand(program);
registerPinCommand(program);
await program.parseAsync(process.argv);
