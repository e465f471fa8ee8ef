import type { McpServerOptions } from '../server/create.js';
import { createDemoRouter, demoRules } from './router.js';

/** The options `mcp-bastion serve` uses without --config. */
export async function demoOptions(): Promise<{ options: McpServerOptions; banner?: (url: string) => string }> {
  const options: McpServerOptions = {
    name: 'mcp-bastion-demo',
    version: '0.1.0',
    instructions: 'A notes service. Use notes_add to store a note and notes_list to read them back.',
    router: createDemoRouter(),
    rules: demoRules,
  };
  return { options, banner: (url) => `\nmcp-bastion demo: MCP at ${url}/mcp, tRPC at ${url}/trpc\n` };
}
