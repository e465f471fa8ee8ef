#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { registerServeCommand } from './serve.js';
import { demoOptions } from '../demo/options.js';

const program = new Command();
program.name('mcp-bastion').description('Secure MCP servers from tRPC routers, and MCP security tooling').version('0.1.0');
registerServeCommand(program, demoOptions);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`mcp-bastion: configuration error: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`mcp-bastion: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
