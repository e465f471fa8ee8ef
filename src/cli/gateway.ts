import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { createLogger } from '../log.js';
import { authFromEnv } from '../auth/env-provider.js';
import { demoBaseUrl } from '../demo/options.js';
import { createStore } from '../storage/index.js';
import { loadGatewayConfig, mergeFrom, parseGatewayConfig, type GatewayConfig } from '../gateway/config.js';
import { createGateway, parsePendingName } from '../gateway/create.js';
import { ApprovalMismatchError, createPinBook } from '../gateway/quarantine.js';
import { formatAuditSummary, summarizeAudit } from '../guard/index.js';

interface RunFlags {
  config?: string;
  from?: string[];
  host?: string;
  port?: string;
  stdio?: boolean;
  allowAllInterfaces?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function needConfig(flags: { config?: string; from?: string[] }): GatewayConfig {
  if (flags.config) return loadGatewayConfig(flags.config, flags.from ?? []);
  if (!flags.from?.length) throw new ConfigError('--config', 'name a gateway config file (or --from a client config)');
  // `--from` alone: default settings over a client config's servers.
  return mergeFrom(parseGatewayConfig({}, '--from'), flags.from);
}

async function runGateway(flags: RunFlags): Promise<void> {
  const logger = createLogger({ name: 'mcp-bastion-gateway' });
  const config = needConfig(flags);
  const http = {
    ...(config.http ?? {}),
    ...(flags.host !== undefined ? { host: flags.host } : {}),
    ...(flags.port !== undefined ? { port: Number(flags.port) } : {}),
    ...(flags.allowAllInterfaces ? { allowAllInterfaces: true } : {}),
  };
  const auth = flags.stdio ? undefined : await authFromEnv(process.env, { resourceUrl: `${demoBaseUrl(http)}/mcp`, logger });
  const gateway = await createGateway({ config, auth, logger, http });
  await gateway.start();
  for (const u of gateway.upstreams()) {
    logger.info(
      { event: 'upstream_status', server: u.name, status: u.status, reason: u.reason, tools: u.tools },
      `upstream ${u.name}: ${u.status}`,
    );
  }
  const pending = await gateway.pending();
  if (pending.length > 0)
    process.stderr.write(
      `mcp-bastion gateway: ${pending.length} definition(s) quarantined; review with \`mcp-bastion gateway pending --config …\` and approve with \`mcp-bastion gateway approve <server>${config.separator}<name> --config …\`\n`,
    );
  const stop = () => void gateway.close().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (flags.stdio) {
    gateway.serveStdio();
    return;
  }
  const running = await gateway.listen();
  logger.info({ event: 'listening', url: running.url, mcp: `${running.url}/mcp` }, 'mcp-bastion gateway listening');
}

async function withPins<T>(
  flags: { config?: string; from?: string[] },
  fn: (config: GatewayConfig, pins: ReturnType<typeof createPinBook>) => Promise<T>,
): Promise<T> {
  const config = needConfig(flags);
  if (config.storage?.type === 'memory')
    throw new ConfigError(
      'storage.type',
      'the memory store lives inside the running gateway; approve through its API (gateway.approve) or use the file or redis store',
    );
  const store = await createStore(config.storage ?? {});
  try {
    const pins = createPinBook(store, { logger: createLogger({ level: 'warn' }), lockFile: config.pins.lockFile });
    return await fn(config, pins);
  } finally {
    await store.close();
  }
}

export function registerGatewayCommand(program: Command): void {
  const gateway = program
    .command('gateway')
    .description('run an MCP security gateway in front of other MCP servers, and manage its quarantine');

  gateway
    .command('run', { isDefault: true })
    .description('serve the namespaced union of the configured upstream servers (Streamable HTTP on /mcp, or --stdio)')
    .option('--config <file>', 'gateway config (JSON); see docs/gateway.md')
    .option('--from <file>', 'also front the servers of a client config (Cursor, Claude, VS Code, Codex); repeatable', collect)
    .option('--host <host>', 'bind address (default 127.0.0.1)')
    .option('--port <port>', 'port (default 3000)')
    .option('--stdio', 'serve MCP on stdin/stdout instead of HTTP')
    .option('--allow-all-interfaces', 'confirm binding a non-loopback address')
    .action((o: RunFlags) => runGateway(o));

  gateway
    .command('pending')
    .description('list quarantined definitions waiting for approval')
    .option('--config <file>', 'gateway config (JSON)')
    .option('--json', 'JSON output')
    .action(async (o: { config?: string; json?: boolean }) => {
      await withPins(o, async (config, pins) => {
        const pending = await pins.pending();
        if (o.json) {
          process.stdout.write(JSON.stringify(pending, null, 2) + '\n');
          return;
        }
        if (pending.length === 0) process.stdout.write('nothing is quarantined\n');
        for (const p of pending)
          process.stdout.write(
            `${p.server}${config.separator}${p.name}  (${p.kind}, ${p.reason}, hash ${p.hash.slice(0, 16)})  ${p.detail}\n`,
          );
      });
    });

  gateway
    .command('approve')
    .description('approve (re-pin) a quarantined definition by its namespaced name, e.g. github__create_issue')
    .argument('<names...>', 'namespaced names (server__tool) or resource URIs')
    .option('--config <file>', 'gateway config (JSON)')
    .option('--by <who>', 'recorded as the approver', process.env.USER ?? 'cli')
    .option('--hash <hex>', 'approve only if the pending definition still has this hash (as shown by `pending`; 12+ hex digits)')
    .action(async (names: string[], o: { config?: string; by: string; hash?: string }) => {
      if (o.hash !== undefined && names.length > 1)
        throw new ConfigError('--hash', 'names the hash of one definition: approve one name at a time');
      await withPins(o, async (config, pins) => {
        const pending = await pins.pending();
        let missing = 0;
        for (const name of names) {
          let done;
          try {
            const target = parsePendingName(name, pending, config.separator);
            done = target ? await pins.approve(target.server, target.kind, target.key, o.by, { hash: o.hash }) : undefined;
          } catch (e) {
            if (!(e instanceof ApprovalMismatchError)) throw e;
            missing++;
            process.stderr.write(`mcp-bastion: ${e.message}\n`);
            continue;
          }
          if (done) process.stdout.write(`approved ${name} (${done.reason}: ${done.detail})\n`);
          else {
            missing++;
            process.stderr.write(`mcp-bastion: ${name} is not quarantined (see \`mcp-bastion gateway pending\`)\n`);
          }
        }
        if (missing > 0) process.exitCode = 1;
      });
    });

  gateway
    .command('audit')
    .description('summarize the audit trail per tool')
    .option('--file <file>', "audit log file (the config's audit.file)")
    .option('--config <file>', 'gateway config, to find audit.file')
    .option('--since <age>', 'only events newer than this: 30m, 1h, 7d, or an ISO time', '24h')
    .action(async (o: { file?: string; config?: string; since: string }) => {
      const file = o.file ?? (o.config ? loadGatewayConfig(o.config).audit.file : undefined);
      if (!file) throw new ConfigError('--file', 'name the audit log (or a --config whose audit.file is set)');
      const rows = await summarizeAudit(file, { since: o.since });
      process.stdout.write(formatAuditSummary(rows) + '\n');
    });
}
