import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const CLI = ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--stdio'];

describe('stdio transport', () => {
  it('serves the demo to the real SDK client: tools, resource, prompt, as the local user without per-tool checks', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: CLI,
      stderr: 'pipe',
      env: { ...process.env, MCP_BASTION_LOG_LEVEL: 'warn' } as Record<string, string>,
    });
    const client = new Client({ name: 'stdio-test', version: '1' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['admin_reset', 'notes_add', 'notes_list', 'whoami']);
      const who = await client.callTool({ name: 'whoami', arguments: {} });
      expect(who.structuredContent).toMatchObject({ kind: 'local' });
      const added = await client.callTool({ name: 'notes_add', arguments: { text: 'over stdio' } });
      expect(added.structuredContent).toMatchObject({ text: 'over stdio' });
      const read = await client.readResource({ uri: 'notes://all' });
      expect((read.contents[0] as { text: string }).text).toContain('over stdio');
      const prompt = await client.getPrompt({ name: 'summarize_notes', arguments: {} });
      expect((prompt.messages[0]?.content as { text: string }).text).toContain('over stdio');
    } finally {
      await client.close();
    }
  });

  it('writes nothing but JSON-RPC to stdout, even when a procedure calls console.log', async () => {
    const child = spawn(process.execPath, [...CLI, '--config', 'test/fixtures/noisy-config.ts'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const send = (m: object) => child.stdin.write(JSON.stringify(m) + '\n');
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'shout', arguments: { text: 'hey' } } });
    send({ jsonrpc: '2.0', id: 4, method: 'no/such/method' });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer; stderr: ${stderr}`)), 20_000);
      const poll = setInterval(() => {
        if (stdout.split('\n').filter(Boolean).length >= 4) {
          clearTimeout(timer);
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    child.kill();
    const lines = stdout.split('\n').filter(Boolean);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    const call = lines.map((l) => JSON.parse(l)).find((m) => m.id === 3);
    expect(call.result.content[0].text).toBe('hey! (local)');
    const unknown = lines.map((l) => JSON.parse(l)).find((m) => m.id === 4);
    expect(unknown.error.code).toBe(-32601);
    expect(stdout).not.toContain('debug output');
    expect(stderr).toContain('debug output that must not reach stdout');
  });
});
